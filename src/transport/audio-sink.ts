/**
 * Takes model audio out of server messages: each `audio/pcm` inlineData part goes to the sink
 * and loses its `data`, so megabytes of base64 never cross to the main thread. `interrupted`
 * reaches the sink before anything else in the message; `turnComplete` after its audio.
 */
import type { ServerMessage } from '../core/wire.ts';

/** Where the worker's audio goes (the playback pipe). */
export interface AudioSink {
  /** Queues a chunk; returns the audio turn it joined, 0 when it was dropped. */
  push(data: string, sampleRate: number, receivedAt: number): number;
  interrupt(at: number): void;
  endTurn(): void;
}

/** Decoded byte length of a base64 string, without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** Sample rate from `audio/pcm;rate=24000` (24 kHz when missing, the service's output rate). */
export function rateOf(mimeType: string): number {
  const m = /rate=(\d+)/.exec(mimeType);
  return m ? Number(m[1]) : 24000;
}

/** What stripAudio took out of a message. */
export interface StrippedAudio {
  /** Decoded size of the audio parts. */
  audioBytes: number;
  /** The sink's audio turn that took them (0: no sink, no audio, or dropped). */
  audioTurnId: number;
}

/** Feeds the sink and strips audio data (when there is a sink). */
export function stripAudio(
  message: ServerMessage,
  receivedAt: number,
  sink?: AudioSink,
): StrippedAudio {
  const content = message.serverContent;
  const stripped = { audioBytes: 0, audioTurnId: 0 };
  if (!content) return stripped;
  if (content.interrupted) sink?.interrupt(receivedAt);
  for (const part of content.modelTurn?.parts ?? []) {
    const blob = part.inlineData;
    if (!blob || typeof blob.data !== 'string' || !blob.mimeType?.startsWith('audio/')) continue;
    stripped.audioBytes += base64Bytes(blob.data);
    if (sink) {
      stripped.audioTurnId = sink.push(blob.data, rateOf(blob.mimeType), receivedAt);
      part.inlineData = { mimeType: blob.mimeType } as typeof blob;
    }
  }
  if (content.turnComplete) sink?.endTurn();
  return stripped;
}

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
  /** Why the sink refused parts (each is reported as a malformed frame). */
  errors: unknown[];
}

/**
 * Feeds the sink and strips audio data (when there is a sink). Frames come from the network:
 * every field is checked before use, and a part the sink refuses (invalid base64, odd-length
 * PCM, an absurd rate) is stripped like the others and reported in `errors` — the rest of the
 * message (other parts, `turnComplete`) still goes through. Nothing here may throw: in the
 * worker, an exception would escape the socket's message handler.
 */
export function stripAudio(
  message: ServerMessage,
  receivedAt: number,
  sink?: AudioSink,
): StrippedAudio {
  const stripped: StrippedAudio = { audioBytes: 0, audioTurnId: 0, errors: [] };
  const content = message.serverContent as unknown;
  if (!isObject(content)) return stripped;
  if (content['interrupted'] === true) sink?.interrupt(receivedAt);
  const turn = content['modelTurn'];
  const parts = isObject(turn) && Array.isArray(turn['parts']) ? (turn['parts'] as unknown[]) : [];
  for (const part of parts) {
    const blob = isObject(part) ? part['inlineData'] : undefined;
    if (!isObject(blob)) continue;
    const { data, mimeType } = blob;
    if (typeof data !== 'string' || typeof mimeType !== 'string') continue;
    if (!mimeType.startsWith('audio/')) continue;
    stripped.audioBytes += base64Bytes(data);
    if (!sink) continue;
    try {
      const turnId = sink.push(data, rateOf(mimeType), receivedAt);
      if (turnId > 0) stripped.audioTurnId = turnId;
    } catch (error) {
      stripped.errors.push(error);
    }
    (part as Record<string, unknown>)['inlineData'] = { mimeType };
  }
  if (content['turnComplete'] === true) sink?.endTurn();
  return stripped;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

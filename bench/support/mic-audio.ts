/**
 * The microphone audio in one client frame as the emulator received it: `realtimeInput.audio`,
 * decoded with the emulator's own PCM16 codec (the reference, independent of the SDK's DSP).
 */
import { decodePcm16 } from '../../src/emulator/index.ts';
import { rateOf } from '../../src/emulator/pcm.ts';

export interface MicAudio {
  /** The base64 payload as sent. */
  data: string;
  pcm: Int16Array;
  /** From the mimeType (`audio/pcm;rate=16000`). */
  rate: number;
}

/** The audio of a parsed client frame, or undefined when it carries none. */
export function micAudio(message: Record<string, unknown> | undefined): MicAudio | undefined {
  const input = message?.realtimeInput as
    { audio?: { data?: unknown; mimeType?: string } } | undefined;
  const data = input?.audio?.data;
  if (typeof data !== 'string') return undefined;
  return { data, pcm: decodePcm16(data), rate: rateOf(input?.audio?.mimeType) };
}

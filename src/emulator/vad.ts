/**
 * Energy-based voice activity detection over incoming PCM16, in 20 ms frames. Time is measured in
 * received samples, not wall clock, so results do not depend on how fast a client streams (tests
 * may push seconds of audio at once). Like Google's server VAD, a turn only ends after trailing
 * silence is received: a client that stops sending must send `audioStreamEnd`.
 */
import { levelDb } from './pcm.ts';
import type { VadOptions } from './types.ts';

const FRAME_MS = 20;
/** Keep at most this much of an utterance for the echo voice. */
const MAX_CAPTURE_MS = 15_000;

/** What one `push` noticed. */
export type VadEvent = { type: 'start' } | { type: 'end'; speechMs: number; audio: Int16Array };

/** Detects speech start/end in a stream of PCM16 chunks of a fixed sample rate. */
export class EnergyVad {
  private leftover: Int16Array = new Int16Array(0);
  private loudMs = 0;
  private quietMs = 0;
  private speaking = false;
  private speechMs = 0;
  private captured: Int16Array[] = [];
  private capturedMs = 0;
  private preRoll: Int16Array[] = [];

  constructor(
    private readonly options: () => VadOptions,
    readonly rate = 16000,
  ) {}

  /** True between a `start` and the matching `end`. */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds samples; returns the start/end transitions they caused, in order. */
  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    const frameLen = Math.round((this.rate * FRAME_MS) / 1000);
    const all = concat([this.leftover, samples]);
    let i = 0;
    for (; i + frameLen <= all.length; i += frameLen) {
      const frame = all.subarray(i, i + frameLen);
      const event = this.frame(frame);
      if (event) events.push(event);
    }
    this.leftover = all.slice(i);
    return events;
  }

  /** Ends the current utterance now (audioStreamEnd); undefined when not in speech. */
  flush(): VadEvent | undefined {
    if (!this.speaking) return undefined;
    return this.finish();
  }

  /** Forgets all state (a new turn after an explicit interruption). */
  reset(): void {
    this.leftover = new Int16Array(0);
    this.loudMs = this.quietMs = this.speechMs = this.capturedMs = 0;
    this.speaking = false;
    this.captured = [];
    this.preRoll = [];
  }

  private frame(frame: Int16Array): VadEvent | undefined {
    const { thresholdDb, minSpeechMs, silenceMs } = this.options();
    const loud = levelDb(frame) > thresholdDb;
    if (!this.speaking) {
      if (!loud) {
        this.loudMs = 0;
        this.preRoll = [];
        return undefined;
      }
      this.loudMs += FRAME_MS;
      this.preRoll.push(frame.slice());
      if (this.loudMs < minSpeechMs) return undefined;
      this.speaking = true;
      this.quietMs = 0;
      this.speechMs = this.loudMs;
      for (const f of this.preRoll) this.capture(f);
      this.preRoll = [];
      return { type: 'start' };
    }
    this.capture(frame.slice());
    if (loud) {
      this.speechMs += this.quietMs + FRAME_MS;
      this.quietMs = 0;
      return undefined;
    }
    this.quietMs += FRAME_MS;
    return this.quietMs >= silenceMs ? this.finish() : undefined;
  }

  private capture(frame: Int16Array): void {
    if (this.capturedMs >= MAX_CAPTURE_MS) return;
    this.captured.push(frame);
    this.capturedMs += FRAME_MS;
  }

  private finish(): VadEvent {
    // Drop the trailing silence from the echo so the reply does not start with a pause.
    const keepFrames = Math.max(1, this.captured.length - Math.round(this.quietMs / FRAME_MS));
    const audio = concat(this.captured.slice(0, keepFrames));
    const event: VadEvent = { type: 'end', speechMs: this.speechMs, audio };
    this.speaking = false;
    this.loudMs = this.quietMs = this.speechMs = this.capturedMs = 0;
    this.captured = [];
    return event;
  }
}

/** Joins sample arrays. */
export function concat(parts: Int16Array[]): Int16Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int16Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Microphone audio when the link cannot keep up. A WebSocket never refuses a send: on a slow or
 * stalled network its unsent bytes (`bufferedAmount`) grow without bound, and so does the delay
 * before the model hears the user. Above a high-water mark of unsent bytes, frames wait here
 * instead — at most `maxMs`, the oldest dropped first (the model should hear the most recent
 * words) — and go out coalesced (fewer, longer messages: less framing for the slow link) as soon
 * as the socket drains below the low-water mark.
 */
import { decodeBase64, encodeBase64 } from '../dsp/base64.ts';
import type { WireConnection } from '../transport/connection.ts';
import { CAPTURE_RATE, type CaptureFrame } from './pipes.ts';

export interface BacklogOptions {
  /** Unsent socket bytes above which audio waits here (default 64 KiB ≈ 1.3 s of audio frames). */
  highWaterBytes?: number;
  /** Unsent socket bytes below which waiting audio is sent again (default 16 KiB). */
  lowWaterBytes?: number;
  /** Longest audio kept waiting; older frames are dropped (default 1000 ms). */
  maxMs?: number;
  /** Longest message a drain coalesces frames into (default 200 ms). */
  coalesceMs?: number;
}

/** Frames held back from a congested connection, bounded, oldest dropped first. */
export class Backlog {
  readonly highWaterBytes: number;
  readonly lowWaterBytes: number;
  private frames: CaptureFrame[] = [];
  private samples = 0;
  private readonly maxSamples: number;
  private readonly coalesceSamples: number;
  /** Samples dropped since the last {@link takeDropped}. */
  private dropped = 0;
  /** Most samples held at once since the last {@link takeDropped}. */
  private peak = 0;

  constructor(options: BacklogOptions = {}) {
    this.highWaterBytes = options.highWaterBytes ?? 64 * 1024;
    this.lowWaterBytes = options.lowWaterBytes ?? 16 * 1024;
    this.maxSamples = ((options.maxMs ?? 1000) * CAPTURE_RATE) / 1000;
    this.coalesceSamples = ((options.coalesceMs ?? 200) * CAPTURE_RATE) / 1000;
  }

  get length(): number {
    return this.frames.length;
  }

  /** Milliseconds of audio waiting. */
  get ms(): number {
    return (this.samples * 1000) / CAPTURE_RATE;
  }

  /** True when `connection` has more unsent bytes than the high-water mark. */
  congested(connection: WireConnection): boolean {
    return connection.bufferedAmount > this.highWaterBytes;
  }

  /** Holds one frame; drops the oldest beyond the bound. */
  push(frame: CaptureFrame): void {
    this.frames.push(frame);
    this.samples += frame.samples;
    this.peak = Math.max(this.peak, Math.min(this.samples, this.maxSamples));
    while (this.samples > this.maxSamples && this.frames.length > 1) {
      const old = this.frames.shift() as CaptureFrame;
      this.samples -= old.samples;
      this.dropped += old.samples;
    }
  }

  /**
   * Sends waiting audio, coalesced, while `connection` stays below the high-water mark; starts
   * only once it has drained below the low-water mark. Returns false when a send failed (the
   * connection died; what was not sent stays here).
   */
  drain(connection: WireConnection, send: (frame: CaptureFrame) => boolean): boolean {
    if (this.frames.length === 0 || connection.bufferedAmount > this.lowWaterBytes) return true;
    while (this.frames.length > 0 && !this.congested(connection)) {
      const group = this.takeGroup();
      if (!send(group.merged)) {
        this.frames.unshift(...group.parts);
        this.samples += group.merged.samples;
        return false;
      }
    }
    return true;
  }

  /** Everything waiting, in order (the connection closed: it goes to the next one). */
  takeAll(): CaptureFrame[] {
    const frames = this.frames;
    this.frames = [];
    this.samples = 0;
    return frames;
  }

  /** Milliseconds dropped, and the most held at once, since the last call. */
  takeDropped(): { droppedMs: number; heldMs: number } {
    const droppedMs = (this.dropped * 1000) / CAPTURE_RATE;
    const heldMs = (this.peak * 1000) / CAPTURE_RATE;
    this.dropped = 0;
    this.peak = 0;
    return { droppedMs, heldMs };
  }

  private takeGroup(): { merged: CaptureFrame; parts: CaptureFrame[] } {
    const parts: CaptureFrame[] = [];
    let samples = 0;
    while (this.frames.length > 0) {
      const next = this.frames[0] as CaptureFrame;
      if (parts.length > 0 && samples + next.samples > this.coalesceSamples) break;
      parts.push(this.frames.shift() as CaptureFrame);
      samples += next.samples;
    }
    this.samples -= samples;
    const first = parts[0] as CaptureFrame;
    const last = parts[parts.length - 1] as CaptureFrame;
    if (parts.length === 1) return { merged: first, parts };
    // Frames hold whole 16-bit samples, so their bytes concatenate into one valid PCM block.
    const bytes = new Uint8Array(samples * 2);
    let offset = 0;
    for (const part of parts) {
      const b = decodeBase64(part.data);
      bytes.set(b, offset);
      offset += b.length;
    }
    const rms = Math.sqrt(parts.reduce((s, p) => s + p.rms * p.rms * p.samples, 0) / samples);
    const merged = { ...last, data: encodeBase64(bytes), samples, rms };
    return { merged, parts };
  }
}

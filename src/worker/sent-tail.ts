/**
 * The last microphone frames sent to one connection, kept so that when it closes the router can
 * send again what the close may have lost. Parallel arrays rather than a record per frame: the
 * audio path allocates nothing per frame beyond the arrays' own growth.
 */
import type { WireConnection } from '../transport/connection.ts';
import type { CaptureFrame } from './pipes.ts';

export interface TailLimits {
  /** Samples always kept (the hedge resent after an abrupt close). */
  resendSamples: number;
  /** Bytes the socket may hold unsent: frames are kept while they could still be among them. */
  highWaterBytes: number;
  /** Frames sent within this many ms are kept (a close may be seen that late). */
  windowMs: number;
}

/** One connection's newest sends: frames, their bytes on the socket, and when each went out. */
export class SentTail {
  /** The connection these frames went to. */
  to: WireConnection | null = null;
  private frames: CaptureFrame[] = [];
  private bytes: number[] = [];
  private at: number[] = [];
  private samples = 0;
  private totalBytes = 0;

  constructor(private readonly limits: TailLimits) {}

  /** When the newest frame was sent (-Infinity when empty). */
  get lastAt(): number {
    return this.at.at(-1) ?? -Infinity;
  }

  /** Records a send to `to` (a different connection than before starts afresh). */
  push(to: WireConnection, frame: CaptureFrame, bytes: number, now: number): void {
    if (this.to !== to) this.clear();
    this.to = to;
    this.frames.push(frame);
    this.bytes.push(bytes);
    this.at.push(now);
    this.samples += frame.samples;
    this.totalBytes += bytes;
    // Unsent bytes stay below the high-water mark plus one frame (above it, frames wait).
    const keepBytes = this.limits.highWaterBytes + bytes;
    const keepSince = now - this.limits.windowMs;
    while (
      this.frames.length > 1 &&
      this.samples - this.frames[0]!.samples >= this.limits.resendSamples &&
      this.totalBytes - this.bytes[0]! >= keepBytes &&
      this.at[0]! < keepSince
    ) {
      this.samples -= (this.frames.shift() as CaptureFrame).samples;
      this.totalBytes -= this.bytes.shift()!;
      this.at.shift();
    }
  }

  /**
   * The frames a close may have lost, oldest first: the newest ones whose bytes the socket never
   * sent (`unsent`), then after an abrupt close the hedge before them and every frame sent at or
   * after `since`.
   */
  atRisk(unsent: number, abrupt: boolean, since: number): CaptureFrame[] {
    const n = this.frames.length;
    let count = 0;
    while (count < n && unsent > 0) unsent -= this.bytes[n - 1 - count++]!;
    if (abrupt && this.limits.resendSamples > 0) {
      for (let hedge = 0; count < n && hedge < this.limits.resendSamples; count++)
        hedge += this.frames[n - 1 - count]!.samples;
      while (count < n && this.at[n - 1 - count]! >= since) count++;
    }
    return count > 0 ? this.frames.slice(-count) : [];
  }

  clear(): void {
    this.frames = [];
    this.bytes = [];
    this.at = [];
    this.samples = 0;
    this.totalBytes = 0;
    this.to = null;
  }
}

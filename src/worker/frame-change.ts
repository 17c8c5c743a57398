/**
 * Cheap change detection for video frames: a 32×18 luma thumbnail of each candidate frame is
 * compared with the thumbnail of the last frame sent. Pure functions, so they are unit-tested
 * without a canvas and cost nothing to run at 1 fps.
 */

export const THUMB_W = 32;
export const THUMB_H = 18;

/** Rec. 601 luma (0..255) of RGBA pixels, one byte per pixel. */
export function lumaOf(rgba: Uint8ClampedArray | Uint8Array): Uint8Array {
  const n = rgba.length >> 2;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4)
    out[i] = (rgba[j]! * 77 + rgba[j + 1]! * 150 + rgba[j + 2]! * 29) >> 8;
  return out;
}

/** Mean absolute luma difference, 0..1 (1 when the sizes differ or there is no previous frame). */
export function lumaDistance(a: Uint8Array | null, b: Uint8Array): number {
  if (!a || a.length !== b.length || b.length === 0) return 1;
  let sum = 0;
  for (let i = 0; i < b.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / (b.length * 255);
}

/** Decides which frames are worth sending: changed beyond `threshold`, or due for a refresh. */
export class ChangeDetector {
  private last: Uint8Array | null = null;
  private lastAt = -Infinity;

  constructor(
    private readonly threshold: number,
    private readonly refreshMs: number,
  ) {}

  /** True when the frame with this thumbnail should be sent (at time `now`, ms). */
  shouldSend(thumb: Uint8Array, now: number): boolean {
    if (now - this.lastAt >= this.refreshMs) return true;
    return lumaDistance(this.last, thumb) > this.threshold;
  }

  /** The frame was sent: it becomes the reference. */
  sent(thumb: Uint8Array, now: number): void {
    this.last = thumb;
    this.lastAt = now;
  }
}

/**
 * At most `fps` frames per second, one at a time: `take()` is true when a frame may start now;
 * `finish()` ends it. Frames that arrive early or while one is in flight are dropped by the caller.
 */
export class FrameScheduler {
  private nextAt = -Infinity;
  private busy = false;
  private readonly intervalMs: number;

  constructor(fps: number) {
    this.intervalMs = 1000 / Math.max(0.001, fps);
  }

  /** Milliseconds until the next frame may start (0: now). */
  waitMs(now: number): number {
    return Math.max(0, this.nextAt - this.intervalMs / 5 - now);
  }

  take(now: number): boolean {
    // A fifth of an interval of slack: frames grabbed at the rate on another thread arrive with
    // timer jitter, and a frame 2 ms early must not wait a whole interval.
    if (this.busy || now < this.nextAt - this.intervalMs / 5) return false;
    this.busy = true;
    // Keep the cadence: small timer jitter does not push every later frame back.
    const next = this.nextAt + this.intervalMs;
    this.nextAt = next > now ? next : now + this.intervalMs;
    return true;
  }

  finish(): void {
    this.busy = false;
  }
}

/**
 * Maps the audio clock (context frames) to wall time, for capture timestamps (mic→socket latency,
 * end of speech). Message delivery only ever adds delay, so the smallest (arrival − frame time)
 * seen is the best offset. The minimum is taken over a sliding window, not over all time: the
 * audio device drifts against `performance` (Chromium's fake device by ~1 %) and a stalled device
 * shifts the offset at once; either is followed within one window.
 */

const now = () => performance.timeOrigin + performance.now();

/** Sliding-window minimum of (arrival − frame time), in ms. */
export class AudioClock {
  /** Candidates in arrival order with increasing offsets (a monotonic deque). */
  private readonly window: { arrival: number; offset: number }[] = [];

  constructor(
    private readonly rate: number,
    private readonly windowMs = 500,
  ) {}

  /** `frame` (context frames) was delivered at `arrival` (wall ms). */
  observe(frame: number, arrival: number): void {
    const offset = arrival - (frame * 1000) / this.rate;
    const w = this.window;
    while (w.length > 0 && w[w.length - 1]!.offset >= offset) w.pop();
    w.push({ arrival, offset });
    while (w.length > 1 && w[0]!.arrival < arrival - this.windowMs) w.shift();
  }

  /** Wall time of `frame`; `now()` before anything was observed. */
  wallTime(frame: number): number {
    const best = this.window[0];
    return best ? best.offset + (frame * 1000) / this.rate : now();
  }
}

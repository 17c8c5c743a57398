import { describe, expect, it } from 'vitest';
import { AudioClock } from '../../src/worker/audio-clock.ts';

const RATE = 48000;
const frameAt = (ms: number) => (ms * RATE) / 1000;

/** Delivers a block every 6 ms from `fromMs` to `toMs` (audio time), `delay(t)` ms late. */
function feed(
  clock: AudioClock,
  fromMs: number,
  toMs: number,
  base: number,
  delay: (t: number) => number,
) {
  for (let t = fromMs; t < toMs; t += 6) clock.observe(frameAt(t), base + t + delay(t));
}

describe('AudioClock', () => {
  it('takes the earliest delivery as the offset: delays never make capture look later', () => {
    const clock = new AudioClock(RATE);
    feed(clock, 0, 400, 1000, (t) => [3, 12, 1, 25, 7][Math.floor(t / 6) % 5]!);
    expect(clock.wallTime(frameAt(200))).toBeCloseTo(1000 + 200 + 1, 6);
  });

  it('follows an audio device that stalled within one window (0.5 s)', () => {
    const clock = new AudioClock(RATE);
    feed(clock, 0, 1000, 1000, () => 2);
    // The device lost 40 ms: from now on each frame is delivered 40 ms later than before.
    feed(clock, 1000, 1600, 1040, () => 2);
    expect(clock.wallTime(frameAt(1500))).toBeCloseTo(1040 + 1500 + 2, 6); // 0.6 s later
  });

  it('follows drift between the audio device and the wall clock', () => {
    const clock = new AudioClock(RATE);
    // The device runs 1 % slow against the wall clock for 10 s.
    for (let t = 0; t < 10_000; t += 6) clock.observe(frameAt(t), 5000 + t * 1.01 + 1);
    const expected = 5000 + 9990 * 1.01 + 1;
    expect(Math.abs(clock.wallTime(frameAt(9990)) - expected)).toBeLessThan(6); // ≤ one window’s drift
  });

  it('answers the current time before any delivery', () => {
    const before = performance.timeOrigin + performance.now();
    expect(new AudioClock(RATE).wallTime(0)).toBeGreaterThanOrEqual(before);
  });
});

/** The worker's change detector and frame scheduler (pure; the canvas parts run in browsers). */
import { describe, expect, it } from 'vitest';
import {
  ChangeDetector,
  FrameScheduler,
  lumaDistance,
  lumaOf,
} from '../../src/worker/frame-change.ts';
import { fitSize } from '../../src/worker/video-fit.ts';

const gray = (v: number, n = 32 * 18) => new Uint8Array(n).fill(v);

describe('luma thumbnails', () => {
  it('computes Rec. 601 luma from RGBA', () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255]);
    const l = lumaOf(rgba);
    expect([...l]).toEqual([255, 0, 76]);
  });

  it('distance is the mean absolute difference, 1 without a reference', () => {
    expect(lumaDistance(null, gray(10))).toBe(1);
    expect(lumaDistance(gray(10), gray(10))).toBe(0);
    expect(lumaDistance(gray(0), gray(255))).toBe(1);
    expect(lumaDistance(gray(100), gray(151))).toBeCloseTo(0.2, 5);
  });
});

describe('ChangeDetector', () => {
  it('sends the first frame, skips unchanged ones, refreshes after refreshMs', () => {
    const d = new ChangeDetector(0.02, 10_000);
    expect(d.shouldSend(gray(50), 0)).toBe(true);
    d.sent(gray(50), 0);
    expect(d.shouldSend(gray(51), 1000)).toBe(false); // noise below threshold
    expect(d.shouldSend(gray(50), 9_999)).toBe(false);
    expect(d.shouldSend(gray(50), 10_000)).toBe(true); // refresh
  });

  it('compares with the last frame sent, not the last seen (slow drift adds up)', () => {
    const d = new ChangeDetector(0.02, 60_000);
    d.sent(gray(50), 0);
    let sent = 0;
    for (let v = 51, t = 1000; v <= 60; v++, t += 1000) {
      if (d.shouldSend(gray(v), t)) {
        d.sent(gray(v), t);
        sent++;
      }
    }
    // 1 luma step per frame is 0.4 %; only after > 2 % (6 steps) drift is a frame sent.
    expect(sent).toBe(1);
  });
});

describe('FrameScheduler', () => {
  it('takes at most fps frames per second, one at a time', () => {
    const s = new FrameScheduler(1);
    expect(s.take(0)).toBe(true);
    expect(s.take(10)).toBe(false); // busy
    s.finish();
    expect(s.take(500)).toBe(false); // too early
    expect(s.waitMs(500)).toBe(300); // slack of a fifth of an interval
    expect(s.take(995)).toBe(true); // timer jitter tolerated
    s.finish();
    expect(s.take(1990)).toBe(true); // cadence kept from 1000, not 995
    s.finish();
  });

  it('counts frames over 30 s at 2 fps with 30 fps input', () => {
    const s = new FrameScheduler(2);
    let taken = 0;
    for (let t = 0; t < 30_000; t += 1000 / 30) {
      if (s.take(t)) {
        taken++;
        s.finish();
      }
    }
    expect(taken).toBeGreaterThanOrEqual(59);
    expect(taken).toBeLessThanOrEqual(61);
  });

  it('fits the long side into maxSize without upscaling', () => {
    expect(fitSize(1280, 720, 768)).toEqual({ width: 768, height: 432 });
    expect(fitSize(720, 1280, 768)).toEqual({ width: 432, height: 768 });
    expect(fitSize(320, 240, 768)).toEqual({ width: 320, height: 240 });
  });
});

import { describe, expect, test } from 'vitest';
import { EnergyVad, rmsToDb, type VadEvent } from '../../src/worker/audio-vad.ts';
import { Framer } from '../../src/worker/audio-framer.ts';

const db = (d: number) => 10 ** (d / 20);

/** Feeds 20 ms frames of the given dBFS levels; returns events with frame indices. */
function run(levels: number[], vad = new EnergyVad({ frameMs: 20 })) {
  const events: (VadEvent & { frame: number })[] = [];
  levels.forEach((level, i) => {
    const e = vad.update(db(level), i * 20);
    if (e) events.push({ ...e, frame: i });
  });
  return { events, vad };
}
const seq = (...parts: [number, number][]) => parts.flatMap(([level, n]) => Array(n).fill(level));

describe('EnergyVad', () => {
  test('rmsToDb: 0.1 → −20 dBFS, 1 → 0, digital silence → −120', () => {
    expect(rmsToDb(0.1)).toBeCloseTo(-20, 9);
    expect(rmsToDb(1)).toBe(0);
    expect(rmsToDb(0)).toBe(-120);
  });

  test('speech at −20 dBFS after −70 dBFS room starts after 60 ms, stamped at its first frame', () => {
    const { events } = run(seq([-70, 10], [-20, 20]));
    expect(events[0]).toEqual({ type: 'speech-start', at: 200, frame: 12 });
  });

  test('a 40 ms click does not start speech', () => {
    expect(run(seq([-70, 10], [-10, 2], [-70, 10])).events).toEqual([]);
  });

  test('speech ends after 400 ms below threshold, stamped at the last voiced frame', () => {
    const { events } = run(seq([-70, 10], [-20, 25], [-70, 25]));
    expect(events[1]).toEqual({ type: 'speech-end', at: 34 * 20, frame: 35 + 19 });
  });

  test('pauses shorter than the 400 ms hang keep one utterance', () => {
    const { events } = run(seq([-70, 10], [-20, 10], [-70, 15], [-20, 10], [-70, 30]));
    expect(events.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
  });

  test('hysteresis: a level 3 dB under the start threshold keeps speech on, 9 dB under ends it', () => {
    // Floor −70 dB → start threshold max(−50, −58) = −50 dB; end below −56 dB.
    const keep = run(seq([-70, 10], [-30, 5], [-53, 30]));
    expect(keep.events.map((e) => e.type)).toEqual(['speech-start']);
    const end = run(seq([-70, 10], [-30, 5], [-59, 30]));
    expect(end.events.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
  });

  test('the floor follows a quiet level at once and rises 1 dB/s towards a steady one', () => {
    const { vad } = run(seq([-40, 1], [-80, 1]));
    expect(vad.floorDb).toBe(-80);
    const steady = run(seq([-80, 1], [-40, 50])); // then 1 s of a louder steady level
    expect(steady.vad.floorDb).toBeCloseTo(-79, 6);
  });

  test('end() closes an utterance at once (mic muted)', () => {
    const { vad } = run(seq([-70, 10], [-20, 10]));
    expect(vad.end()).toEqual({ type: 'speech-end', at: 19 * 20 });
    expect(vad.end()).toBeUndefined();
  });
});

describe('Framer', () => {
  test('cuts 256-sample blocks into 320-sample (20 ms at 16 kHz) frames with end indices', () => {
    const frames: [number, number, number][] = [];
    const f = new Framer(320, (frame, end) => frames.push([frame[0]!, frame[319]!, end]));
    const ramp = Float32Array.from({ length: 1024 }, (_, i) => i);
    for (let i = 0; i < 1024; i += 256) f.push(ramp.subarray(i, i + 256));
    expect(frames).toEqual([
      [0, 319, 64],
      [320, 639, 128],
      [640, 959, 192],
    ]);
    expect(f.pending).toBe(64);
    f.reset();
    expect(f.pending).toBe(0);
  });

  test('one large block gives several frames; 0 or fractional sizes are refused', () => {
    let n = 0;
    new Framer(160, () => n++).push(new Float32Array(1000));
    expect(n).toBe(6);
    expect(() => new Framer(0, () => {})).toThrow(RangeError);
    expect(() => new Framer(12.5, () => {})).toThrow(RangeError);
  });
});

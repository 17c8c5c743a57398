import { describe, expect, it } from 'vitest';
import { createResampler } from '../../src/dsp/index.ts';
import { createDefaultResampler, type Resampler } from '../../src/dsp/resampler.ts';
import { prototypeTable } from '../../src/dsp/phase-table.ts';
import { equiripplePrototype } from '../../src/dsp/remez.ts';
import { STEP, storedTable } from '../../src/dsp/stored-designs.ts';
import { STORED } from '../../scripts/stored-designs.ts';
import { measureTone, onBin, sine } from '../../bench/support/spectrum.ts';
import { readmeFigure } from '../../scripts/readme-figures.ts';

/** The bounds the README states (live-agent/dsp): these tests hold the code to them. */
const STOPBAND_DB = readmeFigure('unit/dsp-resampler', 'stopband-db');
const RIPPLE_DB = readmeFigure('unit/dsp-resampler', 'ripple-db');

/** Whole-signal resampling: one process() and the flush, concatenated. */
function resampleAll(fromHz: number, toHz: number, input: Float32Array): Float32Array {
  const r = createResampler(fromHz, toHz);
  return concat([r.process(input), r.flush()]);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The two design paths, each held to the README's bounds: createResampler (equiripple few-phase
 * stages) and the SDK pipes' createDefaultResampler (Kaiser designs only, so the worker ships no
 * equiripple designer or stored coefficients).
 */
const DESIGNS: [string, (from: number, to: number) => Resampler][] = [
  ['createResampler', (from, to) => createResampler(from, to)],
  ['createDefaultResampler (Kaiser only)', createDefaultResampler],
];

for (const [design, make] of DESIGNS) {
  /** Whole-signal resampling with this design path. */
  const run = (from: number, to: number) => (x: Float32Array) => {
    const r = make(from, to);
    return concat([r.process(x), r.flush()]);
  };
  describe(design, () => {
    describe('resampler stopband (aliases of tones above the output Nyquist)', () => {
      const cases: [number, number, number[]][] = [
        [48000, 16000, [8010, 8500, 10000, 15000, 20000, 23900]],
        [44100, 16000, [8010, 8500, 10000, 12500, 15900, 16000, 16100, 21000]],
        [96000, 16000, [8050, 12000, 40000]],
        [48000, 24000, [12010, 13000, 20000]],
      ];
      for (const [from, to, tones] of cases) {
        for (const hz of tones) {
          it(`${from / 1000}k → ${to / 1000}k: ${hz} Hz is attenuated ≥ ${STOPBAND_DB} dB`, () => {
            const { spurDb } = measureTone(run(from, to), from, to, hz);
            expect(spurDb).toBeLessThan(-STOPBAND_DB);
          });
        }
      }
    });

    describe('resampler image rejection (upsampling)', () => {
      const cases: [number, number, number[]][] = [
        [24000, 48000, [1000, 5000, 10500, 11900]],
        [16000, 48000, [1000, 7000, 7950]],
        [16000, 44100, [3000, 7900]],
        [24000, 44100, [1000, 7000, 10500, 11900]],
        [8000, 44100, [500, 3400, 3990]],
      ];
      for (const [from, to, tones] of cases) {
        for (const hz of tones) {
          it(`${from / 1000}k → ${to / 1000}k: images of ${hz} Hz are ≥ ${STOPBAND_DB} dB down`, () => {
            const { spurDb, gainDb } = measureTone(run(from, to), from, to, onBin(hz, to));
            expect(spurDb).toBeLessThan(-STOPBAND_DB);
            // A passband tone itself comes through; transition-band tones are (rightly) attenuated.
            if (hz <= 0.4375 * from) expect(Math.abs(gainDb)).toBeLessThan(RIPPLE_DB);
          });
        }
      }
    });

    describe('resampler passband', () => {
      const pairs: [number, number][] = [
        [48000, 16000],
        [44100, 16000],
        [24000, 48000],
        [16000, 24000],
        [24000, 44100],
        [16000, 44100],
      ];
      for (const [from, to] of pairs) {
        const edge = 0.4375 * Math.min(from, to);
        it(`${from / 1000}k → ${to / 1000}k: ripple ≤ ${RIPPLE_DB} dB up to ${edge} Hz`, () => {
          let worst = 0;
          for (let hz = 50; hz <= edge; hz += edge / 24) {
            const { gainDb } = measureTone(run(from, to), from, to, onBin(hz, to, 8192), 8192);
            worst = Math.max(worst, Math.abs(gainDb));
          }
          expect(worst).toBeLessThan(RIPPLE_DB);
        });
      }
    });
  });
}

describe('resampler streaming', () => {
  const pairs: [number, number][] = [
    [48000, 16000],
    [44100, 16000],
    [24000, 48000],
    [48000, 24000], // one symmetric row, decimating: folded over two de-interleaved lanes
    [24000, 44100], // 24k → 48k (folded) → 44.1k (large L)
    [16000, 24000], // three rows: row 0 folded, rows 1 and 2 on the unfolded kernel
    [22050, 16000],
    [8000, 44100],
    [16000, 44100], // large L, pairs of outputs with windows 0 or 1 inputs apart
    [16000, 16001], // L above the exact-table limit: interpolated phases
  ];
  for (const [from, to] of pairs) {
    it(`${from} → ${to}: random block sizes (0, 1, 128, …) give the same output`, () => {
      const random = rng(from + to);
      const input = new Float32Array(from / 5);
      for (let i = 0; i < input.length; i++) input[i] = random() * 2 - 1;
      const whole = resampleAll(from, to, input);
      const r = createResampler(from, to);
      const parts: Float32Array[] = [];
      const sizes = [0, 1, 128, 0, 1, 1, 480, 3];
      for (let i = 0, k = 0; i < input.length; k++) {
        const size = k < sizes.length ? sizes[k]! : Math.floor(random() * 700);
        parts.push(r.process(input.subarray(i, i + size)));
        i += size;
      }
      parts.push(r.flush());
      const split = concat(parts);
      expect(split.length).toBe(whole.length);
      let maxDiff = 0;
      for (let i = 0; i < whole.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(whole[i]! - split[i]!));
      expect(maxDiff).toBeLessThanOrEqual(1e-6);
    });
  }

  it('output length after flush is ceil(input × to / from)', () => {
    for (const [from, to, n] of [
      [48000, 16000, 48000],
      [48000, 16000, 1001],
      [44100, 16000, 44100],
      [24000, 48000, 777],
      [16000, 44100, 12345],
    ] as const) {
      expect(resampleAll(from, to, new Float32Array(n)).length).toBe(Math.ceil((n * to) / from));
    }
  });

  it('is time-aligned: an impulse at input time t peaks at output time t (group delay removed)', () => {
    for (const [from, to] of [
      [48000, 16000],
      [24000, 48000],
      [44100, 16000],
      [24000, 44100],
      [16000, 44100],
    ] as const) {
      const input = new Float32Array(from / 10);
      const t = 0.05; // seconds
      input[Math.round(t * from)] = 1;
      const out = resampleAll(from, to, input);
      let peak = 0;
      for (let i = 1; i < out.length; i++) if (out[i]! > out[peak]!) peak = i;
      expect(Math.abs(peak - t * to)).toBeLessThanOrEqual(0.5);
    }
  });

  it('reports its look-ahead latency and reset() forgets history', () => {
    const r = createResampler(48000, 16000);
    expect(r.latency.inputSamples).toBeGreaterThan(0);
    expect(r.latency.outputSamples).toBeCloseTo(r.latency.inputSamples / 3, 9);
    expect(r.latency.seconds * 1000).toBeLessThan(5); // ms: fine for a live microphone
    const tone = sine(1000, 48000, 4800);
    const first = r.process(tone);
    r.reset();
    expect(r.process(tone)).toEqual(first);
  });

  it('keeps a 1 kHz tone at unit amplitude through 48k → 16k → 48k', () => {
    const down = resampleAll(48000, 16000, sine(1000, 48000, 48000));
    const up = resampleAll(16000, 48000, down);
    const ref = sine(1000, 48000, 48000);
    let err = 0;
    for (let i = 4800; i < 43200; i++) err = Math.max(err, Math.abs(up[i]! - ref[i]!));
    expect(20 * Math.log10(err)).toBeLessThan(-80); // dB re full scale
  });

  it('keeps 3 kHz and 5 kHz tones within -90 dB through 48k → 16k → 48k (flat passband, not just ripple)', () => {
    for (const hz of [3000, 5000]) {
      const ref = sine(hz, 48000, 48000);
      const up = resampleAll(16000, 48000, resampleAll(48000, 16000, ref));
      let err = 0;
      for (let i = 4800; i < 43200; i++) err = Math.max(err, Math.abs(up[i]! - ref[i]!));
      expect(20 * Math.log10(err)).toBeLessThan(-90);
    }
  });
});

describe('resampler same rate and arguments', () => {
  it('same rate is a passthrough copy', () => {
    const r = createResampler(16000, 16000);
    const x = sine(440, 16000, 300);
    const y = r.process(x);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
    expect(r.flush().length).toBe(0);
    expect(r.latency.inputSamples).toBe(0);
  });

  it('rejects non-positive, non-finite and non-number rates with a clear message', () => {
    expect(() => createResampler(0, 16000)).toThrow(/fromHz must be a positive finite number/);
    expect(() => createResampler(48000, -1)).toThrow(/toHz/);
    expect(() => createResampler(Number.NaN, 16000)).toThrow(RangeError);
    expect(() => createResampler(48000, Infinity)).toThrow(RangeError);
    expect(() => createResampler('48000' as unknown as number, 16000)).toThrow(RangeError);
    expect(() => createResampler(48000, 16000, { passband: 0.6 })).toThrow(/passband/);
  });

  it("the SDK's default resampler checks rates like createResampler; few-phase pairs differ by design", () => {
    // Equal stopband and ripple bounds (above), but the SDK's sharp stage is a longer Kaiser filter:
    // more look-ahead than createResampler's equiripple one, never less.
    for (const [from, to] of [
      [24000, 48000],
      [24000, 16000],
      [48000, 16000],
    ] as const) {
      const a = createResampler(from, to);
      const b = createDefaultResampler(from, to);
      expect(b.latency.inputSamples).toBeGreaterThan(a.latency.inputSamples);
    }
    // Large-L pairs use the Kaiser design in both paths: identical output.
    const x = sine(1000, 44100, 4410);
    const a = createResampler(44100, 16000);
    const b = createDefaultResampler(44100, 16000);
    expect(b.latency).toEqual(a.latency);
    expect([...b.process(x), ...b.flush()]).toEqual([...a.process(x), ...a.flush()]);
    expect(() => createDefaultResampler(0, 16000)).toThrow(/fromHz must be a positive finite/);
    expect(() => createDefaultResampler(24000, Number.NaN)).toThrow(RangeError);
  });

  it("stores exactly the runtime designer's prototypes, rounded to multiples of STEP", () => {
    for (const [phases, pass, stop] of STORED) {
      const h = equiripplePrototype(phases, pass, stop, 0.004, 10 ** (-93 / 20))!;
      const stored = storedTable(phases, pass, stop, 0.004, 10 ** (-93 / 20))!;
      expect(stored).toEqual(
        prototypeTable(
          phases,
          Array.from(h, (v) => Math.round(v / STEP) * STEP),
        ),
      );
    }
    expect(storedTable(1, 7000 / 32000, 0.25, 0.004, 10 ** (-93 / 20))).toBeNull();
  }, 60_000); // two Remez designs: seconds on a loaded machine

  it('a pair without a stored design (32k → 16k) keeps the stopband with the Kaiser design', () => {
    const all = (x: Float32Array) => {
      const r = createDefaultResampler(32000, 16000);
      return concat([r.process(x), r.flush()]);
    };
    for (const hz of [8010, 9000, 15000]) {
      expect(measureTone(all, 32000, 16000, hz).spurDb).toBeLessThan(-STOPBAND_DB);
    }
    expect(Math.abs(measureTone(all, 32000, 16000, onBin(5000, 16000)).gainDb)).toBeLessThan(
      RIPPLE_DB,
    );
  });

  it('accepts non-integer rates (approximated ratio) and keeps the length right', () => {
    const out = resampleAll(44100.5, 16000, new Float32Array(44101));
    expect(Math.abs(out.length - (44101 * 16000) / 44100.5)).toBeLessThanOrEqual(1);
  });
});

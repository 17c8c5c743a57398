/**
 * Tests of the built artifact (run after `npm run build`): the exports map points at real files,
 * entries import through the package name (the size budget is in size.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
};

describe('exports map', () => {
  const targets = Object.entries(pkg.exports).flatMap(([entry, target]) =>
    typeof target === 'string'
      ? [[entry, target] as const]
      : Object.values(target).map((t) => [entry, t] as const),
  );
  test.each(targets)('%s → %s exists', (_entry, file) => {
    expect(existsSync(file), file).toBe(true);
  });
});

/** Runs ESM code in a fresh Node process, where `live-agent/…` resolves through the exports map. */
function nodeEval(code: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('live-agent/dsp through the package name', () => {
  test('resamples 48 kHz → 16 kHz with the right length and level', () => {
    const result = nodeEval(`
      import { createResampler } from 'live-agent/dsp';
      const r = createResampler(48000, 16000);
      const input = Float32Array.from({ length: 48000 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 48000));
      const a = r.process(input), b = r.flush();
      const mid = a.subarray(4000, 12000);
      const rms = Math.sqrt(mid.reduce((s, v) => s + v * v, 0) / mid.length);
      console.log(JSON.stringify({ total: a.length + b.length, rms }));
    `) as { total: number; rms: number };
    expect(result.total).toBeGreaterThanOrEqual(15990);
    expect(result.total).toBeLessThanOrEqual(16010);
    expect(result.rms).toBeCloseTo(Math.SQRT1_2, 2);
  });
});

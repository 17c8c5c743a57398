/**
 * Audio pipeline benchmark in headless Chromium with the speech WAV as fake mic: capture frame
 * size and mic→socket latency, first chunk → audible, interrupt → silence and dropouts, once idle
 * and once with the main thread blocked 200 ms of every 500 ms.
 * Run: node --import tsx bench/audio.bench.ts   (JSON: bench/results/audio.json)
 */
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, enginePath } from '../test/support/engines.ts';
import { ensureSpeechWav } from '../test/support/fixtures.ts';
import { listenLoopback, sendFile } from './support/loopback-server.ts';

interface Phase {
  phase: 'idle' | 'jank';
  frames: number;
  frameSamples: number[];
  latencies: number[];
  maxGapMs: number;
  gapsOver60: number;
  firstAudio: number[];
  silence: number[];
  underruns: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'live-agent-audio-bench-'));

async function bundle(): Promise<void> {
  const common = {
    bundle: true,
    format: 'esm' as const,
    target: 'es2022',
    logLevel: 'error' as const,
  };
  await build({
    ...common,
    entryPoints: {
      'audio-bench': join(root, 'bench/pages/audio-bench.ts'),
      'audio-bench.worker': join(root, 'bench/pages/audio-bench.worker.ts'),
      'live-agent-capture.worklet': join(root, 'worklets/capture.worklet.ts'),
      'live-agent-playback.worklet': join(root, 'worklets/playback.worklet.ts'),
    },
    outdir: out,
  });
  writeFileSync(
    join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><script type="module" src="./audio-bench.js"></script>',
  );
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const wav = await ensureSpeechWav();
  await bundle();
  const server = await listenLoopback((path, res) =>
    sendFile(res, out, path === '/' ? 'index.html' : path.slice(1)),
  );
  const browser = await chromium.launch({
    executablePath: enginePath('chromium'),
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
  });
  let result: { sampleRate: number; phases: Phase[] };
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.runAudioBench === 'function');
    result = (await page.evaluate(() => window.runAudioBench())) as typeof result;
  } finally {
    await browser.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }

  const rows: [string, string, string, boolean][] = [];
  for (const p of result.phases) {
    const tag = p.phase === 'jank' ? ' [main blocked 200/500 ms]' : '';
    const frameMs = p.frameSamples.map((n) => (n / 16000) * 1000);
    rows.push([
      `capture frame${tag}`,
      `${frameMs.join('/')} ms (${p.frameSamples.join('/')} smp)`,
      '20 ms',
      frameMs.length === 1 && frameMs[0] === 20,
    ]);
    rows.push([
      `mic→socket p50 / p95${tag}`,
      `${r1(pct(p.latencies, 50))} / ${r1(pct(p.latencies, 95))} ms`,
      '≤ 25 ms p95',
      pct(p.latencies, 95) <= 25,
    ]);
    rows.push([
      `capture gaps > 60 ms${tag}`,
      `${p.gapsOver60} (max ${r1(p.maxGapMs)} ms)`,
      '0',
      p.gapsOver60 === 0,
    ]);
    rows.push([
      `first chunk → audible p50${tag}`,
      `${r1(pct(p.firstAudio, 50))} ms (n=${p.firstAudio.length}, max ${r1(Math.max(...p.firstAudio))})`,
      '≤ 30 ms',
      pct(p.firstAudio, 50) <= 30,
    ]);
    rows.push([
      `interrupted → silence max${tag}`,
      `${r1(Math.max(...p.silence))} ms (n=${p.silence.length}, p50 ${r1(pct(p.silence, 50))})`,
      '≤ 15 ms',
      p.silence.length > 0 && Math.max(...p.silence) <= 15,
    ]);
    rows.push([`playback dropouts${tag}`, String(p.underruns), '0', p.underruns === 0]);
  }
  const w = [44, 34, 12];
  console.log(`AudioContext ${result.sampleRate} Hz, Chromium fake mic (speech WAV)\n`);
  console.log(
    ['metric'.padEnd(w[0]!), 'measured'.padEnd(w[1]!), 'target'.padEnd(w[2]!), 'result'].join(' '),
  );
  for (const [m, v, t, ok] of rows)
    console.log(
      [m.padEnd(w[0]!), v.padEnd(w[1]!), t.padEnd(w[2]!), ok ? 'pass' : 'FAIL'].join(' '),
    );
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const json = {
    sampleRate: result.sampleRate,
    rows: rows.map(([metric, measured, target, pass]) => ({ metric, measured, target, pass })),
    phases: result.phases.map(({ latencies, ...p }) => ({
      ...p,
      latencyP50: pct(latencies, 50),
      latencyP95: pct(latencies, 95),
    })),
  };
  writeFileSync(join(root, 'bench/results/audio.json'), JSON.stringify(json, null, 2));
  if (rows.some((r) => !r[3])) process.exitCode = 1;
}

await main();

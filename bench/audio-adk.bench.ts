/**
 * Audio latency through ADK beside the direct Gemini path: the same page code (session, worker
 * transport, Web Audio, Chromium's fake mic playing the speech WAV), the same emulator and the
 * same scripted replies, over three paths:
 *   gemini    page → emulator (the Live API's place)
 *   adk-emu   page → the emulator's ADK mode (`/run_live` shaped like google-adk 2.13) → emulator
 *   adk-real  page → google-adk's own `adk api_server` (python/.venv) → google-genai → emulator;
 *             skipped, with the reason printed, when python/.venv has no `adk`.
 * Figures: mic → server (a capture frame's `capturedAt` in the worker → the emulator receiving
 * it, matched by content fingerprint) and first audio (the emulator sending a reply's first chunk
 * → the page receiving it, and → audible, from the session's `metrics` events).
 * Run: npm run bench -- audio-adk   (JSON: bench/results/audio-adk.json)
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import {
  createEmulator,
  startAdkEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorSession,
  type FrameRecord,
} from '../src/emulator/index.ts';
import { ensureSpeechWav } from '../test/support/fixtures.ts';
import { startRealAdk } from '../test/support/real-adk.ts';
import { fingerprint } from './audio/capture-log.ts';
import { bundlePage, launchWithMic } from './support/chromium.ts';
import { listenLoopback, sendFile } from './support/loopback-server.ts';
import { writeFigures } from './support/figures.ts';
import { pct } from './support/stats.ts';
import type { BenchFigure } from '../scripts/readme-figures.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const r1 = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '–' : String(Math.round(x * 10) / 10);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** As the audio bench: tone speech, 2× real time in 200 ms bursts, VAD off, 50 ms to answer. */
const EMULATOR: EmulatorOptions = {
  port: 0,
  speech: 'tone',
  audio: { chunkMs: 40, speed: 2, burst: 5 },
  vad: { thresholdDb: 0 },
  responseDelayMs: 50,
};
const REPLY = 'one two three four five';
const REPLIES = 6;
/** Mic streaming measured before the first reply. */
const LISTEN_MS = 3000;

interface PathResult {
  path: string;
  micFrames: number;
  micP50?: number;
  micP95?: number;
  replies: number;
  receivedP50?: number;
  audibleP50?: number;
  audibleP95?: number;
  skipped?: string;
  errors: string[];
}

/** The mic audio of a frame the emulator received, in any casing a client sends it. */
function micData(message: Record<string, unknown> | undefined): string | undefined {
  const ri = (message?.['realtimeInput'] ?? message?.['realtime_input']) as
    Record<string, { data?: unknown }[] | { data?: unknown } | undefined> | undefined;
  const audio = ri?.['audio'] as { data?: unknown } | undefined;
  const chunks = (ri?.['mediaChunks'] ?? ri?.['media_chunks']) as { data?: unknown }[] | undefined;
  const data = audio?.data ?? chunks?.[0]?.data;
  return typeof data === 'string' ? data : undefined;
}

const hasModelAudio = (f: FrameRecord) =>
  !!(
    f.message?.serverContent as { modelTurn?: { parts?: { inlineData?: unknown }[] } } | undefined
  )?.modelTurn?.parts?.some((p) => p.inlineData);

async function measure(
  browser: Browser,
  pageUrl: string,
  emulator: Emulator,
  path: string,
  target: { endpoint: string; token: string } | { adk: string; appName: string },
): Promise<PathResult> {
  const page = await browser.newPage();
  const arrivals = new Map<string, number>();
  const repeated = new Set<string>();
  const firstChunks: number[] = [];
  let replying = false;
  try {
    await page.goto(pageUrl);
    await page.waitForFunction(() => typeof window.pathsBench === 'object');
    const sessionP = emulator.waitForSession({ timeoutMs: 60_000 });
    await page.evaluate((t) => window.pathsBench.start(t), target);
    const s: EmulatorSession = await sessionP;
    s.on('message', (f) => {
      const data = micData(f.message);
      if (!data) return;
      const fp = fingerprint(data);
      if (arrivals.has(fp)) repeated.add(fp);
      else arrivals.set(fp, now());
    });
    s.on('sent', (f) => {
      if (replying && hasModelAudio(f)) {
        replying = false;
        firstChunks.push(now());
      }
    });
    // Page clock − Node clock, from the round trip with the smallest RTT.
    let offset = 0;
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      const t = await page.evaluate(() => window.pathsBench.now());
      const t1 = now();
      if (t1 - t0 < best) [best, offset] = [t1 - t0, t - (t0 + t1) / 2];
    }
    await sleep(LISTEN_MS);
    for (let i = 0; i < REPLIES; i++) {
      replying = true;
      const done = new Promise<{ audioMs: number }>((r) => s.once('reply', r));
      await s.say(REPLY);
      const { audioMs } = await done;
      await sleep(audioMs + 400);
    }
    const log = await page.evaluate(() => window.pathsBench.captureLog());
    const report = await page.evaluate(() => window.pathsBench.stop());
    // Only frames whose fingerprint is unique on both sides (silence repeats) are matched.
    const seen = new Map<string, number>();
    for (const fp of log.fingerprints) seen.set(fp, (seen.get(fp) ?? 0) + 1);
    const mic: number[] = [];
    log.fingerprints.forEach((fp, i) => {
      const at = arrivals.get(fp);
      if (at !== undefined && seen.get(fp) === 1 && !repeated.has(fp))
        mic.push(at + offset - log.capturedAt[i]!);
    });
    const responses = report.turns.filter((t) => t.kind === 'response');
    // The k-th reply's first chunk left the emulator at firstChunks[k] (Node clock).
    const received = responses.map((t, k) => t.receivedAt - offset - (firstChunks[k] ?? NaN));
    const audible = responses.map((t, k) => t.audibleAt - offset - (firstChunks[k] ?? NaN));
    return {
      path,
      micFrames: mic.length,
      micP50: pct(mic, 50),
      micP95: pct(mic, 95),
      replies: responses.length,
      receivedP50: pct(received, 50),
      audibleP50: pct(audible, 50),
      audibleP95: pct(audible, 95),
      errors: report.errors,
    };
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const out = mkdtempSync(join(tmpdir(), 'live-agent-adk-bench-'));
  const results: PathResult[] = [];
  let browser: Browser | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const wav = await ensureSpeechWav();
    await bundlePage(
      out,
      {
        page: join(root, 'bench/audio/paths-page.ts'),
        worker: join(root, 'bench/audio/worker.ts'),
        'live-agent-audio.worklet': join(root, 'worklets/audio.worklet.ts'),
      },
      'page',
    );
    const server = await listenLoopback((p, res) =>
      sendFile(res, out, p === '/' ? 'index.html' : p.slice(1)),
    );
    closers.push(() => server.close());
    browser = await launchWithMic(wav);

    const emulator = await createEmulator(EMULATOR);
    closers.push(() => emulator.close());
    const token = emulator.createToken().name;
    results.push(
      await measure(browser, server.url, emulator, 'gemini', { endpoint: emulator.url, token }),
    );
    const front = await startAdkEmulator(emulator);
    closers.push(() => front.close());
    results.push(
      await measure(browser, server.url, emulator, 'adk-emu', { adk: front.url, appName: 'bench' }),
    );

    if (!existsSync(join(root, 'python/.venv/bin/adk'))) {
      results.push({
        path: 'adk-real',
        micFrames: 0,
        replies: 0,
        errors: [],
        skipped: 'python/.venv has no adk (run node scripts/test-python.mjs)',
      });
    } else {
      // The real ADK needs wss:// and an API key: the same settings on a TLS emulator.
      const tls = await createEmulator({ ...EMULATOR, tls: true, apiKey: 'emulator-key' });
      const origin = new URL(server.url).origin;
      const real = await startRealAdk(origin, false, tls);
      closers.push(() => real.close());
      results.push(
        await measure(browser, server.url, tls, 'adk-real', {
          adk: real.url,
          appName: 'concierge_app',
        }),
      );
    }
  } finally {
    await browser?.close();
    for (const close of closers.reverse()) await close().catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
  }

  const load = Math.round(loadavg()[0]! * 10) / 10;
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(
    'Chromium fake mic (speech WAV), the same session, worker and emulator on 127.0.0.1 for each path\n' +
      `${REPLIES} replies per path; mic → server: capturedAt in the worker → the emulator has the frame\n` +
      "first audio: the emulator sends a reply's first chunk → the page receives it / hears it\n",
  );
  const w = [10, 8, 24, 8, 16, 24];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' ');
  console.log(
    line([
      'path',
      'frames',
      'mic→server p50/p95 ms',
      'replies',
      'received p50',
      'audible p50/p95 ms',
    ]),
  );
  for (const r of results) {
    if (r.skipped) {
      console.log(line([r.path, `skipped: ${r.skipped}`]));
      continue;
    }
    console.log(
      line([
        r.path,
        String(r.micFrames),
        `${r1(r.micP50)} / ${r1(r.micP95)}`,
        String(r.replies),
        r1(r.receivedP50),
        `${r1(r.audibleP50)} / ${r1(r.audibleP95)}`,
      ]),
    );
    if (r.errors.length) console.log(`  session errors: ${r.errors.join('; ')}`);
  }
  console.log(`\nbench took ${seconds} s; load average (1 min) ${load}`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/audio-adk.json'),
    JSON.stringify({ seconds, loadAvg1: load, results }, null, 2),
  );
  writeFigures('audio-adk', readmeFigures(results, load));
  // Every measured path must have streamed the mic and heard every reply.
  if (results.some((r) => !r.skipped && (r.micFrames === 0 || r.replies < REPLIES)))
    process.exitCode = 1;
}

/**
 * The README's ADK latency table, PATH-KEY per path: 'gemini-mic-p50', 'gemini-mic-p95',
 * 'gemini-received-p50', 'gemini-audible-p50', 'gemini-audible-p95'; 'adk-emu-mic-p50',
 * 'adk-emu-mic-p95', 'adk-emu-received-p50', 'adk-emu-audible-p50', 'adk-emu-audible-p95';
 * 'adk-real-mic-p50', 'adk-real-mic-p95', 'adk-real-received-p50', 'adk-real-audible-p50',
 * 'adk-real-audible-p95'; and 'load'. Few samples on a shared machine: wide
 * tolerances (a p95 of six replies is its worst one).
 */
function readmeFigures(results: PathResult[], load: number): Record<string, BenchFigure> {
  const figures: Record<string, BenchFigure> = {
    load: { value: load, better: 'lower', tolerance: 100 },
  };
  const lower = (value: number, tolerance: number): BenchFigure => ({
    value,
    better: 'lower',
    tolerance,
  });
  for (const r of results) {
    if (r.skipped) continue;
    const put = (key: string, value: number | undefined, tolerance: number) => {
      if (value !== undefined && Number.isFinite(value))
        figures[`${r.path}-${key}`] = lower(value, tolerance);
    };
    put('mic-p50', r.micP50, 0.5);
    put('mic-p95', r.micP95, 1);
    // Sent → received can come out below zero (the clocks' offset error): about 20 ms of slack.
    put('received-p50', r.receivedP50, 20 / Math.max(1, Math.abs(r.receivedP50 ?? 0)));
    put('audible-p50', r.audibleP50, 0.5);
    put('audible-p95', r.audibleP95, 1);
  }
  return figures;
}

await main();

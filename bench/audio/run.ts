/**
 * The audio bench's run: connect the page's session to the emulator, then per phase (idle, main
 * thread janked, machine loaded by competing busy processes, quiet again after the load) have the agent speak replies in fast bursts and barge in on some of them, all
 * from the emulator's scripting API. Collects what the emulator received and what the page saw.
 */
import { once } from 'node:events';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { Emulator, EmulatorSession, FrameRecord } from '../../src/emulator/index.ts';
import { startBusy } from '../support/busy.ts';
import { micAudio } from '../support/mic-audio.ts';
import { fingerprint, type CaptureLog } from './capture-log.ts';
import type { PageReport } from './page.ts';

export type PhaseName = 'idle' | 'jank' | 'loaded' | 'recovered';

/** One microphone frame as it reached the emulator. */
export interface Arrival {
  /** Wall clock (`performance.timeOrigin + performance.now()`), the browser's clock too. */
  at: number;
  samples: number;
  rate: number;
  fingerprint: string;
}

export interface PhaseWindow {
  phase: PhaseName;
  /** Busy processes competing for the CPU during the phase (0 but in `loaded`). */
  busy: number;
  /** Load average (1 min) at the phase's end. */
  loadAvg: number;
  /** Node wall clock at the phase's start and end. */
  from: number;
  to: number;
  underruns: number;
}

/** A Node event-loop stall: when it began and how long (ms). */
export interface Stall {
  at: number;
  ms: number;
}

export interface RawRun {
  sampleRate: number;
  /** Page clock − Node clock, from the evaluate round trip with the smallest RTT. */
  clock: { offsetMs: number; rttMs: number };
  /** When the emulator sent setupComplete (Node wall clock). */
  setupCompleteAt: number;
  arrivals: Arrival[];
  captures: CaptureLog;
  phases: PhaseWindow[];
  /** Frames queue in the socket while Node stalls: a gap the SDK did not cause. */
  stalls: Stall[];
  page: PageReport;
  connections: number;
}

/** The built-in tone voice: 230 ms a word, so 1.15 s of audio. */
const REPLY = 'one two three four five';
/** 4.6 s of audio: still streaming (at 2× real time) when the barge-in comes. */
const LONG_REPLY = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
/** Six replies and three barge-ins a phase. */
const PLAN = Array.from({ length: 3 }, () => ['reply', 'reply', 'barge-in'] as const).flat();
/** Replies a phase, barged-in ones included: each gives one first chunk → audible figure. */
export const REPLIES = PLAN.length;
export const BARGE_INS = PLAN.filter((s) => s === 'barge-in').length;
/** Barge in this long after the reply's first chunk left: its audio is playing by then. */
const BARGE_IN_AFTER_MS = 500;
/** Quiet time after a reply played out, before the next one. */
const SETTLE_MS = 300;
/**
 * After a barge-in: longer than the playback pipe's LATE_CHUNK_GAP_MS (500 ms), or the next
 * reply's first chunks would be dropped as late chunks of the interrupted turn.
 */
const AFTER_BARGE_IN_MS = 800;
/** Node event-loop stalls longer than this are logged (the emulator's clock stops with them). */
const STALL_MS = 20;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** A lost connection leaves the emulator's events unfired: fail the run instead of hanging. */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within 10 s`)), 10_000);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const hasModelAudio = (f: FrameRecord) =>
  !!(
    f.message?.serverContent as { modelTurn?: { parts?: { inlineData?: unknown }[] } } | undefined
  )?.modelTurn?.parts?.some((p) => p.inlineData);

/** Resolves with the time the next reply audio chunk left the emulator. */
function nextAudioSent(s: EmulatorSession): Promise<number> {
  return new Promise((resolve) => {
    const onSent = (f: FrameRecord): void => {
      if (!hasModelAudio(f)) return;
      s.off('sent', onSent);
      resolve(now());
    };
    s.on('sent', onSent);
  });
}

/** One full reply; returns once it has played out (first chunk sent + its length + settle). */
async function reply(s: EmulatorSession): Promise<void> {
  const first = within(nextAudioSent(s), 'reply audio');
  const replied = within(once(s, 'reply') as Promise<[{ audioMs: number }]>, 'reply end');
  await s.say(REPLY);
  const [{ audioMs }] = await replied;
  await sleep((await first) + audioMs + SETTLE_MS - now());
}

/** A long reply, interrupted by the emulator while it plays. */
async function bargeIn(s: EmulatorSession): Promise<void> {
  const first = within(nextAudioSent(s), 'reply audio');
  const spoken = s.say(LONG_REPLY);
  await sleep((await first) + BARGE_IN_AFTER_MS - now());
  if (!s.interrupt()) throw new Error('barge-in: the reply had already finished');
  await spoken;
  await sleep(AFTER_BARGE_IN_MS);
}

/** Logs Node event-loop stalls until `stop()`. */
function watchStalls(): { stalls: Stall[]; stop(): void } {
  const stalls: Stall[] = [];
  let last = now();
  const timer = setInterval(() => {
    const t = now();
    if (t - last > STALL_MS) stalls.push({ at: last, ms: t - last });
    last = t;
  }, 5);
  return { stalls, stop: () => clearInterval(timer) };
}

async function clockOffset(page: Page): Promise<RawRun['clock']> {
  let best = { offsetMs: NaN, rttMs: Infinity };
  for (let i = 0; i < 5; i++) {
    const t0 = now();
    const t = await page.evaluate(() => window.audioBench.now());
    const t1 = now();
    if (t1 - t0 < best.rttMs) best = { offsetMs: t - (t0 + t1) / 2, rttMs: t1 - t0 };
  }
  return best;
}

/** The `loaded` phase starts this long after its busy processes, so the load has set in. */
const LOAD_RAMP_MS = 1000;

/**
 * Runs the phases on the loaded page against `emulator` (fresh: its first session is ours); the
 * `loaded` phase only with `busy` > 0 competing processes.
 */
export async function runAudio(page: Page, emulator: Emulator, busy = 0): Promise<RawRun> {
  const arrivals: Arrival[] = [];
  let setupCompleteAt = NaN;
  // Stamped in the emulator's frame events, where it records each frame, with the high-resolution
  // wall clock (FrameRecord.at is Date.now(), whole milliseconds).
  emulator.once('session', (s) => {
    s.on('message', (f) => {
      const audio = micAudio(f.message);
      if (audio)
        arrivals.push({
          at: now(),
          samples: audio.pcm.length,
          rate: audio.rate,
          fingerprint: fingerprint(audio.data),
        });
    });
    s.on('sent', (f) => {
      if (f.message?.setupComplete !== undefined) setupCompleteAt = now();
    });
  });
  const token = emulator.createToken().name;
  const { sampleRate } = await page.evaluate(([url, t]) => window.audioBench.start(url, t), [
    emulator.url,
    token,
  ] as const);
  const s = await emulator.waitForSession();
  const clock = await clockOffset(page);
  // Warm-up, not measured: the emulator's first reply runs cold code that blocks Node's event
  // loop for 30 ms or more, which would show as a capture gap the SDK did not cause. It also
  // puts the phases well after setupComplete (see analyse()).
  await reply(s);
  const watch = watchStalls();

  const phases: PhaseWindow[] = [];
  // `recovered`: quiet again right after the load, where the targets of `idle` apply again.
  const names: PhaseName[] = busy > 0 ? ['idle', 'jank', 'loaded', 'recovered'] : ['idle', 'jank'];
  for (const phase of names) {
    const load = phase === 'loaded' ? startBusy(busy) : undefined;
    try {
      if (load) await sleep(LOAD_RAMP_MS);
      const underruns = await page.evaluate(() => window.audioBench.underruns());
      await page.evaluate((on) => window.audioBench.setJank(on), phase === 'jank');
      const from = now();
      for (const step of PLAN) await (step === 'reply' ? reply(s) : bargeIn(s));
      const to = now();
      const after = await page.evaluate(() => window.audioBench.underruns());
      await page.evaluate(() => window.audioBench.setJank(false));
      const loadAvg = loadavg()[0]!;
      phases.push({
        phase,
        busy: load?.count ?? 0,
        loadAvg,
        from,
        to,
        underruns: after - underruns,
      });
    } finally {
      await load?.stop();
    }
  }
  const captures = await page.evaluate(() => window.audioBench.captureLog());
  const report = await page.evaluate(() => window.audioBench.stop());
  watch.stop();
  await Promise.race([s.closed, sleep(1000)]);
  return {
    sampleRate,
    clock,
    setupCompleteAt,
    arrivals,
    captures,
    phases,
    stalls: watch.stalls,
    page: report,
    connections: emulator.allSessions.length,
  };
}

/**
 * Turns a raw run into the bench's figures. Microphone frames are matched by order: the k-th
 * frame the capture pipe produced is the k-th audio frame the emulator received on the (single)
 * connection, which the frames' content fingerprints confirm.
 */
import type { TurnMetrics } from '../../src/core/index.ts';
import { pct } from '../support/stats.ts';
import { BARGE_INS, REPLIES, type PhaseName, type RawRun, type Stall } from './run.ts';

export interface PhaseResult {
  phase: PhaseName;
  busy: number;
  loadAvg: number;
  frames: number;
  /** Distinct sizes of the frames the emulator received (samples, and ms at their rate). */
  frameSamples: number[];
  frameMs: number[];
  /** Emulator arrival − capturedAt, per frame (ms). */
  latencies: number[];
  maxGapMs: number;
  gapsOver60: number;
  /**
   * Each gap over 60 ms: ms into the phase, the capture-time gap of the same two frames (≈ the
   * arrival gap: the capture side stalled; ≈ 20 ms: the worker, socket or Node did), and how much
   * of it Node's event loop was stalled (frames wait in the socket meanwhile).
   */
  gaps: { atMs: number; gapMs: number; capturedGapMs: number; nodeStallMs: number }[];
  /** Gaps over 60 ms that would not be without the Node stall inside them (the harness's). */
  gapsInNodeStalls: number;
  /** `metrics` turns: first chunk received → audible, and interrupted → silent (ms). */
  firstAudio: number[];
  silence: number[];
  underruns: number;
}

export interface Row {
  metric: string;
  measured: string;
  target: string;
  pass: boolean;
}

const r1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '–');
const max = (xs: number[]) => pct(xs, 100);

/** Milliseconds of the stalls that fall inside [from, to]. */
function overlap(stalls: Stall[], from: number, to: number): number {
  return stalls.reduce(
    (sum, s) => sum + Math.max(0, Math.min(to, s.at + s.ms) - Math.max(from, s.at)),
    0,
  );
}

/** Checks the order match and measures each phase. */
export function analyse(run: RawRun): {
  phases: PhaseResult[];
  /** Frames captured before the first phase (left out), and those before setupComplete. */
  warmUpFrames: number;
  preConnectFrames: number;
  /** First chunk → audible of the session's first reply (the warm-up, cold code paths). */
  firstReplyMs: number;
} {
  if (run.connections !== 1)
    throw new Error(`expected one connection, the emulator saw ${run.connections}`);
  const { arrivals, captures } = run;
  // Frames sent after the log was read have no capture time; the rest must match one to one.
  const n = Math.min(arrivals.length, captures.capturedAt.length);
  const mismatch = arrivals
    .slice(0, n)
    .findIndex((a, k) => a.fingerprint !== captures.fingerprints[k]);
  if (mismatch >= 0)
    throw new Error(`frame ${mismatch}: the emulator got other audio than the pipe produced`);

  const phases = run.phases.map(({ phase, busy, loadAvg, from, to, underruns }): PhaseResult => {
    // Only frames captured inside the phase count. Phases start after a warm-up reply (1.5 s
    // after setupComplete): the pre-connect buffer (frames captured before the connection was
    // activated, flushed to it in one burst) was captured before that, so none of it counts.
    const inPhase = (t: number) => t >= from && t <= to;
    const idx = captures.capturedAt.slice(0, n).flatMap((t, k) => (inPhase(t) ? [k] : []));
    const frames = idx.map((k) => arrivals[k]!);
    const gaps = idx.slice(1).map((k) => ({
      atMs: arrivals[k]!.at - from,
      gapMs: arrivals[k]!.at - arrivals[k - 1]!.at,
      capturedGapMs: captures.capturedAt[k]! - captures.capturedAt[k - 1]!,
      nodeStallMs: overlap(run.stalls, arrivals[k - 1]!.at, arrivals[k]!.at),
    }));
    const long = gaps.filter((g) => g.gapMs > 60);
    const turns = run.page.turns.filter((t: TurnMetrics) =>
      inPhase(t.kind === 'response' ? t.receivedAt : t.interruptedAt),
    );
    return {
      phase,
      busy,
      loadAvg,
      frames: frames.length,
      frameSamples: [...new Set(frames.map((f) => f.samples))],
      frameMs: [...new Set(frames.map((f) => (f.samples * 1000) / f.rate))],
      latencies: idx.map((k) => arrivals[k]!.at - captures.capturedAt[k]!),
      maxGapMs: max(gaps.map((g) => g.gapMs)),
      gapsOver60: long.length,
      gaps: long,
      gapsInNodeStalls: long.filter((g) => g.gapMs - g.nodeStallMs <= 60).length,
      firstAudio: turns.flatMap((t) => (t.kind === 'response' ? [t.audibleAt - t.receivedAt] : [])),
      silence: turns.flatMap((t) => (t.kind === 'interrupt' ? [t.silenceMs] : [])),
      underruns,
    };
  });
  const first = run.page.turns.find((t) => t.kind === 'response');
  const before = (t: number) => captures.capturedAt.filter((c) => c < t).length;
  return {
    phases,
    warmUpFrames: before(run.phases[0]?.from ?? Infinity),
    preConnectFrames: before(run.setupCompleteAt),
    firstReplyMs: first?.kind === 'response' ? first.audibleAt - first.receivedAt : NaN,
  };
}

/** Per-phase limits: the quiet targets, and what degrading gracefully means under load. */
interface Limits {
  p95: number;
  /** Gaps over 60 ms allowed, not counting those a Node stall (the harness) explains. */
  gaps: number;
  firstAudio: number;
  silence: number;
  dropouts: number;
}
const QUIET: Limits = { p95: 25, gaps: 0, firstAudio: 30, silence: 15, dropouts: 0 };
/**
 * 3 × cores spinning processes: audio arrives late but none is lost, barge-in still cuts at
 * once (the flush runs on the audio thread), and the jitter buffer trades a few dropouts for a
 * longer pre-roll. Set from runs on a shared 2-core machine; the quiet targets stay the goal.
 */
const LOADED: Limits = { p95: 250, gaps: 0, firstAudio: 100, silence: 30, dropouts: 3 };

/** The table: the same rows (and names) for each phase. */
export function rows(phases: PhaseResult[]): Row[] {
  return phases.flatMap((p) => {
    const tag = {
      idle: '',
      jank: ' [main blocked 200/500 ms]',
      loaded: ` [${p.busy} busy processes]`,
      recovered: ' [after the load]',
    }[p.phase];
    const limit = p.phase === 'loaded' ? LOADED : QUIET;
    const ownGaps = p.gapsOver60 - (p.phase === 'loaded' ? p.gapsInNodeStalls : 0);
    return [
      {
        metric: `capture frame${tag}`,
        measured: `${p.frameMs.map(r1).join('/')} ms (${p.frameSamples.join('/')} smp)`,
        target: '20 ms',
        pass: p.frameMs.length === 1 && p.frameMs[0] === 20,
      },
      {
        metric: `mic→socket p50 / p95${tag}`,
        measured: `${r1(pct(p.latencies, 50))} / ${r1(pct(p.latencies, 95))} ms (n=${p.frames})`,
        target: `≤ ${limit.p95} ms p95`,
        pass: pct(p.latencies, 95) <= limit.p95,
      },
      {
        metric: `capture gaps > 60 ms${tag}`,
        measured:
          `${p.gapsOver60} (max ${r1(p.maxGapMs)} ms` +
          `${p.gapsInNodeStalls ? `; ${p.gapsInNodeStalls} in Node stalls` : ''})`,
        // Under load the emulator's own process starves too: its stalls are not the SDK's gaps.
        target: p.phase === 'loaded' ? '0 outside Node stalls' : '0',
        pass: p.frames > 1 && ownGaps <= limit.gaps,
      },
      {
        metric: `first chunk → audible p50${tag}`,
        measured: `${r1(pct(p.firstAudio, 50))} ms (n=${p.firstAudio.length}, max ${r1(max(p.firstAudio))})`,
        target: `≤ ${limit.firstAudio} ms`,
        pass: p.firstAudio.length === REPLIES && pct(p.firstAudio, 50) <= limit.firstAudio,
      },
      {
        metric: `interrupted → silence max${tag}`,
        measured: `${r1(max(p.silence))} ms (n=${p.silence.length}, p50 ${r1(pct(p.silence, 50))})`,
        target: `≤ ${limit.silence} ms`,
        pass: p.silence.length === BARGE_INS && max(p.silence) <= limit.silence,
      },
      {
        metric: `playback dropouts${tag}`,
        measured: String(p.underruns),
        target: limit.dropouts ? `≤ ${limit.dropouts}` : '0',
        pass: p.underruns <= limit.dropouts,
      },
    ];
  });
}

/**
 * One measured run: connect a real session, stream the fake mic steadily, break the connection
 * the chosen way (goAway, 1011 close, TCP drop), wait until audio flows on the successor, then
 * measure from what the emulator received and what the page logged.
 */
import type { Page } from 'playwright-core';
import type { Emulator, EmulatorSession, FrameRecord } from '../../src/emulator/index.ts';
import { audioFrames, maxGap, type Aligner, type Discontinuity } from './analysis.ts';
import type { PageLog } from './page.ts';
import type { BenchServer } from './server.ts';

export type Scenario = 'goaway' | 'goaway-speaking' | 'close-1011' | 'drop-1006';

/** Mic streaming before the fault, measured from the first connection's first audio frame. */
const STEADY_MS = 3000;
/** Streaming after the successor's first frame (covers the buffered flush and steady flow). */
const AFTER_MS = 700;
const GOAWAY_LEFT_MS = 3000;

export interface RunResult {
  scenario: Scenario;
  /** Longest arrival gap between audio frames around the fault (fault − 0.5 s … resume + 0.7 s). */
  maxGapMs: number;
  /** Same, during steady streaming before the fault: the cadence the gap compares with. */
  steadyGapMs: number;
  /** Lost / duplicated where the stream moved to the new connection. */
  lostMs: number;
  duplicatedMs: number;
  /** Jumps elsewhere (within one connection: the capture path, not the hand-off). */
  otherLostMs: number;
  otherDuplicatedMs: number;
  /** Old-connection frames that arrived after the server closed it (not counted as received). */
  afterServerClose: number;
  firstAt: number;
  faultAt: number;
  resumedAt: number;
  /** Fault (goAway sent / close / drop) → first audio frame on the new connection. */
  switchMs: number;
  /** `resumed.gapMs` as the session reported it (null: no resumed event). */
  resumedGapMs: number | null;
  resumedHandoff: boolean | null;
  /** /token requests during the run (2 = first connect + one fresh token for the successor). */
  tokenRequests: number;
  newToken: boolean;
  handleCarried: boolean;
  connections: number;
  reconnectAttempts: number;
  backoffMs: number[];
  /** Audio received across connections vs. arrival span (includes device clock drift). */
  receivedMs: number;
  wallMs: number;
  unmatchedFrames: number;
  unmatchedAt: number[];
  driftSamples: number;
  discontinuities: Discontinuity[];
  underruns: number;
  captureDroppedMs: number;
  errors: string[];
}

export interface RunContext {
  /** The bench page, loaded once (a session per run; reloading would only add time). */
  page: Page;
  emulator: Emulator;
  server: BenchServer;
  aligner: Aligner;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const isAudio = (m: Record<string, unknown>) =>
  !!(m.realtimeInput as { audio?: unknown } | undefined)?.audio;

function lastHandle(s: EmulatorSession): string | undefined {
  let handle: string | undefined;
  for (const f of s.sent) {
    const u = f.message?.sessionResumptionUpdate as { newHandle?: string } | undefined;
    if (u?.newHandle) handle = u.newHandle;
  }
  return handle;
}

export async function runOnce(ctx: RunContext, scenario: Scenario): Promise<RunResult> {
  const { page, emulator, server } = ctx;
  const t0 = Date.now();
  const mark = (what: string) => process.env.HANDOFF_DEBUG && console.log(what, Date.now() - t0);
  emulator.reset();
  const tokens0 = server.tokenRequests.length;
  await page.evaluate((url) => window.handoffBench.start(url), emulator.url);
  mark('started');
  const s1 = await emulator.waitForSession();
  const first = await s1.waitForMessage(isAudio, { timeoutMs: 5000 });
  // Handles are issued after a completed model turn: one short reply gives the session one.
  mark('first audio');
  await s1.say('ok');
  mark('said');
  const handle = lastHandle(s1);
  await sleep(first.at + STEADY_MS - Date.now());

  let speaking: Promise<void> | undefined;
  if (scenario === 'goaway-speaking') {
    // The agent talks across the hand-off: the switch should wait for it, playback not glitch.
    speaking = s1.say('one two three four five six seven eight nine ten');
    await sleep(200);
  }
  mark('fault');
  const faultAt = Date.now();
  if (scenario === 'close-1011') s1.close(1011, 'Internal error encountered.');
  else if (scenario === 'drop-1006') s1.drop();
  else s1.goAway(GOAWAY_LEFT_MS);

  const s2 = await emulator.waitForSession({ timeoutMs: 10_000 });
  const resumedFrame: FrameRecord = await s2.waitForMessage(isAudio, { timeoutMs: 10_000 });
  await speaking?.catch(() => undefined);
  await sleep(resumedFrame.at + AFTER_MS - Date.now());
  mark('stopping');
  const log: PageLog = await page.evaluate(() => window.handoffBench.stop());
  // Let the client's close frames land so `received` is final.
  await Promise.race([Promise.all(emulator.allSessions.map((s) => s.closed)), sleep(1000)]);

  mark('closed');
  const sessions = [...emulator.allSessions];
  // A server that closed (1011) or vanished (1006) processes nothing after that moment: frames
  // that still reach it count as lost, as they would be with the real service.
  const closedAt = scenario === 'close-1011' || scenario === 'drop-1006' ? faultAt : Infinity;
  const all = audioFrames(sessions);
  const frames = all.filter((f) => !(f.conn === 0 && f.at > closedAt));
  const cont = ctx.aligner.analyse(frames);
  const times = frames.map((f) => f.at);
  const samples = frames.reduce((n, f) => n + f.pcm.length, 0);
  const resumed = log.events.find((e) => e.type === 'resumed');
  const reconnecting = log.events.filter((e) => e.type === 'reconnecting');
  const setupHandle = (s2.clientSetup?.sessionResumption as { handle?: string } | undefined)
    ?.handle;
  return {
    scenario,
    maxGapMs: maxGap(frames, faultAt - 500, resumedFrame.at + AFTER_MS),
    steadyGapMs: maxGap(frames, first.at + 500, faultAt - 100),
    lostMs: cont.lostMs,
    duplicatedMs: cont.duplicatedMs,
    otherLostMs: cont.otherLostMs,
    otherDuplicatedMs: cont.otherDuplicatedMs,
    afterServerClose: all.length - frames.length,
    firstAt: first.at,
    faultAt,
    resumedAt: resumedFrame.at,
    switchMs: resumedFrame.at - faultAt,
    resumedGapMs: resumed ? (resumed.data.gapMs as number) : null,
    resumedHandoff: resumed ? (resumed.data.handoff as boolean) : null,
    tokenRequests: server.tokenRequests.length - tokens0,
    newToken: !!s2.token && s2.token.name !== s1.token?.name,
    handleCarried: !!handle && setupHandle === handle && s2.resumedFrom === handle,
    connections: sessions.length,
    reconnectAttempts: reconnecting.length,
    backoffMs: reconnecting.map((e) => e.data.delayMs as number),
    receivedMs: samples / 16,
    wallMs: frames.length ? Math.max(...times) - Math.min(...times) + 20 : 0,
    unmatchedFrames: cont.unmatched,
    unmatchedAt: cont.unmatchedAt,
    driftSamples: cont.driftSamples,
    discontinuities: cont.discontinuities,
    underruns: log.underruns,
    captureDroppedMs: log.captureDroppedMs,
    errors: log.events
      .filter((e) => e.type === 'error')
      .map((e) => `${String(e.data.code)}: ${String(e.data.message)}`),
  };
}

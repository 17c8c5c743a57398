/**
 * Hand-off bench page: one real session from the built SDK (dist/, loaded at run time so its
 * worker and worklets resolve beside it exactly as for users) against the emulator, with the
 * session's events and playback health logged for Node. Timestamps are Date.now(), the clock the
 * emulator stamps frames with.
 */
import type { CreateLiveAgentOptions, LiveAgentSession } from '../../src/index.ts';

export interface PageEvent {
  type: string;
  at: number;
  data: Record<string, unknown>;
}

export interface PageLog {
  events: PageEvent[];
  tokenFetches: number[];
  underruns: number;
  lateChunks: number;
  captureDroppedMs: number;
}

declare global {
  interface Window {
    handoffBench: {
      start(endpoint: string): Promise<void>;
      stop(): Promise<PageLog>;
    };
  }
}

type Sdk = { createLiveAgent(options: CreateLiveAgentOptions): LiveAgentSession };
// A variable specifier keeps esbuild from bundling dist/ into the page.
const DIST = '/dist/index.js';
const sdk = (await import(DIST)) as Sdk;

let session: LiveAgentSession | null = null;
let log: PageLog;

window.handoffBench = {
  async start(endpoint) {
    log = { events: [], tokenFetches: [], underruns: 0, lateChunks: 0, captureDroppedMs: 0 };
    const s = sdk.createLiveAgent({
      token: async () => {
        log.tokenFetches.push(Date.now());
        const res = await fetch('/token');
        return ((await res.json()) as { token: string }).token;
      },
      endpoint,
      model: 'gemini-3.8-live',
      // Processing off: the emulator must get the file's samples, or content alignment fails.
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    session = s;
    const record = (type: string, data: Record<string, unknown>) =>
      log.events.push({ type, at: Date.now(), data });
    s.on('status', (e) => record('status', { status: e.status, previous: e.previous }));
    s.on('goaway', (e) => record('goaway', { timeLeftMs: e.timeLeftMs }));
    s.on('reconnecting', (e) =>
      record('reconnecting', { attempt: e.attempt, delayMs: e.delayMs, cause: e.cause.code }),
    );
    s.on('resumed', (e) => record('resumed', { handoff: e.handoff, gapMs: e.gapMs }));
    s.on('error', (e) =>
      record('error', { code: e.error.code, message: e.error.message, fatal: e.fatal }),
    );
    await s.connect();
  },

  async stop() {
    const s = session;
    if (!s) throw new Error('handoffBench.stop() before start()');
    const m = s.getSnapshot().metrics;
    Object.assign(log, {
      underruns: m.underruns,
      lateChunks: m.lateChunks,
      captureDroppedMs: m.captureDroppedMs,
    });
    await s.disconnect();
    s.dispose();
    session = null;
    return log;
  },
};

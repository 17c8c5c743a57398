/**
 * Audio bench page: the real SDK path — `LiveAgentSession` with the Web Audio media graph and the
 * worker transport around the bench worker — connected to the emulator. Node drives the agent
 * from the emulator's side; the page only reports what the session publishes (metrics events,
 * underruns), hands over the worker's capture log and blocks the main thread on request.
 */
import { createWebAudioMedia } from '../../src/audio/index.ts';
import { LiveAgentSession, type TurnMetrics } from '../../src/core/index.ts';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import { readCaptureLog, type CaptureLog } from './capture-log.ts';

export interface PageReport {
  /** Every `metrics` event's turn, in arrival order. */
  turns: TurnMetrics[];
  /** Session `error` events (`code: message`). */
  errors: string[];
  captureDroppedMs: number;
}

export interface AudioBenchPage {
  /** Connects; resolves once connected with the AudioContext rate. */
  start(endpoint: string, token: string): Promise<{ sampleRate: number }>;
  /** On: the main thread busy-loops 200 ms of every 500 ms. */
  setJank(on: boolean): void;
  /** Playback underruns so far, from the session snapshot. */
  underruns(): number;
  /** `performance.timeOrigin + performance.now()`: to check the clock Node compares with. */
  now(): number;
  captureLog(): Promise<CaptureLog>;
  /** Disconnects and disposes of the session. */
  stop(): Promise<PageReport>;
}

declare global {
  interface Window {
    audioBench: AudioBenchPage;
  }
}

let session: LiveAgentSession | undefined;
let jank: ReturnType<typeof setInterval> | undefined;
const report: PageReport = { turns: [], errors: [], captureDroppedMs: 0 };

function requireSession(): LiveAgentSession {
  if (!session) throw new Error('audioBench: start() first');
  return session;
}

window.audioBench = {
  async start(endpoint, token) {
    // Default audio options: the capture and playback paths apps get.
    const media = createWebAudioMedia();
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const s = new LiveAgentSession(
      // No reconnects: frames are matched by order within one connection, so a drop must fail
      // the run rather than silently start a second stream.
      { token, endpoint, reconnect: false },
      { transport: createWorkerTransport({ worker }), media },
    );
    session = s;
    s.on('metrics', (e) => report.turns.push(e.turn));
    s.on('error', (e) => report.errors.push(`${e.error.code}: ${e.error.message}`));
    await s.connect();
    return { sampleRate: media.context?.sampleRate ?? NaN };
  },

  setJank(on) {
    clearInterval(jank);
    jank = undefined;
    if (on)
      jank = setInterval(() => {
        const until = performance.now() + 200;
        while (performance.now() < until);
      }, 500);
  },

  underruns: () => requireSession().getSnapshot().metrics.underruns,

  now: () => performance.timeOrigin + performance.now(),

  captureLog: readCaptureLog,

  async stop() {
    const s = requireSession();
    report.captureDroppedMs = s.getSnapshot().metrics.captureDroppedMs;
    await s.disconnect();
    s.dispose();
    session = undefined;
    return report;
  },
};

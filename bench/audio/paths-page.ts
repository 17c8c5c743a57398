/**
 * Page of the ADK audio bench: one session over the direct Gemini transport or the ADK transport
 * (same worker, same Web Audio media), so the two paths are measured with the same code. Reports
 * the session's `metrics` turns; the bench worker logs every capture frame (capture-log.ts).
 */
import { createWebAudioMedia } from '../../src/audio/index.ts';
import { LiveAgentSession, type TurnMetrics } from '../../src/core/index.ts';
import { createAdkTransport } from '../../src/transport/adk/transport.ts';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import { readCaptureLog, type CaptureLog } from './capture-log.ts';

export interface PathsBenchPage {
  /** `adk`: the ADK server's base URL and app; else the emulator and a token. */
  start(
    target: { endpoint: string; token: string } | { adk: string; appName: string },
  ): Promise<void>;
  now(): number;
  captureLog(): Promise<CaptureLog>;
  stop(): Promise<{ turns: TurnMetrics[]; errors: string[] }>;
}

declare global {
  interface Window {
    pathsBench: PathsBenchPage;
  }
}

let session: LiveAgentSession | undefined;
const turns: TurnMetrics[] = [];
const errors: string[] = [];

window.pathsBench = {
  async start(target) {
    const worker = () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const transport =
      'adk' in target
        ? createAdkTransport({
            endpoint: target.adk,
            appName: target.appName,
            userId: 'bench',
            worker,
          })
        : createWorkerTransport({ worker: worker() });
    const endpoint = 'adk' in target ? target.adk : target.endpoint;
    const token = 'adk' in target ? 'auth_tokens/adk-server-side' : target.token;
    session = new LiveAgentSession(
      { token, endpoint, reconnect: false },
      { transport, media: createWebAudioMedia() },
    );
    session.on('metrics', (e) => turns.push(e.turn));
    session.on('error', (e) => errors.push(`${e.error.code}: ${e.error.message}`));
    await session.connect();
  },
  now: () => performance.timeOrigin + performance.now(),
  captureLog: readCaptureLog,
  async stop() {
    await session?.disconnect();
    session?.dispose();
    session = undefined;
    return { turns: turns.splice(0), errors: errors.splice(0) };
  },
};

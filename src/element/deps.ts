/**
 * The element's default session dependencies: the worker transport and the Web Audio graph.
 * Loaded with dynamic import so ESM pages fetch them on the first connect, not on page load.
 */
import type { SessionDeps } from './element.ts';

// Worklet file names the build emits beside the bundle (src/audio/options.ts defaultWorkletUrls).
const CAPTURE_FILE = 'live-agent-capture.worklet.js';
const PLAYBACK_FILE = 'live-agent-playback.worklet.js';

/** Creates the real transport and media; `assetBase` overrides where their files are fetched. */
export async function createDefaultDeps(assetBase: string | undefined): Promise<SessionDeps> {
  const [{ createWorkerTransport }, { WORKER_FILE }, { createWebAudioMedia }] = await Promise.all([
    import('../transport/worker-transport.ts'),
    import('../transport/assets.ts'),
    import('../audio/index.ts'),
  ]);
  if (!assetBase) return { transport: createWorkerTransport({}), media: createWebAudioMedia({}) };
  const base = new URL(assetBase, document.baseURI);
  // A base without a trailing slash would replace its last segment: `/assets` → `/assets/`.
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return {
    transport: createWorkerTransport({ workerUrl: new URL(WORKER_FILE, base).href }),
    media: createWebAudioMedia({
      workletUrls: { capture: new URL(CAPTURE_FILE, base), playback: new URL(PLAYBACK_FILE, base) },
    }),
  };
}

/**
 * The element's default session dependencies: the worker transport and the Web Audio graph.
 * Loaded lazily on the first connect (a chunk in ESM builds, `live-agent.deps.js` beside the
 * IIFE), so a page only downloads them when the user starts talking.
 */
import { createWebAudioMedia, type AudioOptions } from '../audio/index.ts';
import { WORKER_FILE } from '../transport/assets.ts';
import { createWorkerTransport, defaultWorker } from '../transport/worker-transport.ts';
import { createLazyWebVideo } from '../video/lazy.ts';
import type { SessionDeps } from './element.ts';
import type { AdkTarget } from './options.ts';
import { VideoControls, type VideoControlHost } from './video-controls.ts';

/** The element's call-time parts: the IIFE takes them from here (see LiveAgentElement.callUi). */
export { callUi } from './call-ui.ts';

/** The element's camera/screen toggles: the IIFE takes them from here (see LiveAgentElement). */
export const createVideoControls = (bar: Element, host: VideoControlHost) =>
  new VideoControls(bar, host);

// The worklet module the build emits beside the bundle (src/audio/options.ts defaultWorkletUrls):
// it registers both processors.
const WORKLET_FILE = 'live-agent-audio.worklet.js';

/** Creates the real transport and media; `assetBase` overrides where their files are fetched. */
export async function createDefaultDeps(
  assetBase: string | undefined,
  options: AudioOptions & { adk?: AdkTarget } = {},
): Promise<SessionDeps> {
  const { adk, ...audio } = options;
  // The ADK transport's main-side part and its element parts are their own chunk, fetched only
  // for transport="adk".
  const face = adk && (await import('./adk/face.ts'));
  const transport = (workerUrl?: URL) =>
    adk && face
      ? face.createAdkTransport({ ...adk, workerUrl })
      : createWorkerTransport({ workerUrl });
  const agentFace = face ? { agentFace: face.agentFace } : {};
  const base = assetBase ? new URL(assetBase, document.baseURI) : undefined;
  // A base without a trailing slash would replace its last segment: `/assets` → `/assets/`.
  if (base && !base.pathname.endsWith('/')) base.pathname += '/';
  const workerUrl = base && new URL(WORKER_FILE, base);
  // Camera/screen code is its own chunk too, fetched on the first start(). Its worker follows
  // asset-base (beside the transport worker) like the others: left to the chunk, it would load
  // from beside the ESM bundle. The chunk names the file, so the voice path never does.
  const video = createLazyWebVideo(() =>
    import('../video/web-video.ts').then(
      (m) => () => m.createWebVideo(m.videoWorkerBeside(workerUrl)),
    ),
  );
  if (!workerUrl) {
    const meterWorker = () => defaultWorker(undefined);
    return {
      transport: transport(),
      media: createWebAudioMedia(audio),
      video,
      meterWorker,
      ...agentFace,
    };
  }
  return {
    transport: transport(workerUrl),
    // The meters are drawn by a second instance of the same worker file (see src/meter/paint.ts).
    meterWorker: () => defaultWorker(workerUrl),
    media: createWebAudioMedia({
      ...audio,
      workletUrls: {
        capture: new URL(WORKLET_FILE, workerUrl),
        playback: new URL(WORKLET_FILE, workerUrl),
      },
    }),
    video,
    ...agentFace,
  };
}

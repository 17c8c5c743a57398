/**
 * Video bench page: the real SDK path — LiveAgentSession with Web Audio media (fake mic), the
 * worker transport running the SDK worker, and createWebVideo fed by canvas scenes (a still
 * picture or a moving box). Node reads frame arrivals from the emulator; the page reports what
 * the video side measured (worker encode times, main-thread time per fed frame, skips, drops).
 */
import { createWebAudioMedia } from '../../src/audio/index.ts';
import { LiveAgentSession } from '../../src/core/index.ts';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import { createWebVideo, type VideoStats } from '../../src/video/index.ts';

export interface VideoBenchPage {
  start(endpoint: string, token: string): Promise<void>;
  /**
   * Starts a scene at 1280×720. `grab`: hide MediaStreamTrackProcessor, as in Firefox/WebKit
   * (`frame`: they grab VideoFrames; `bitmap`: also hide VideoFrame, as in engines without it).
   */
  scene(kind: 'static' | 'moving', grab: false | 'frame' | 'bitmap'): Promise<void>;
  stopVideo(): VideoStats;
  stop(): Promise<{ errors: string[]; captureDroppedMs: number }>;
}

declare global {
  interface Window {
    videoBench: VideoBenchPage;
  }
}

let session: LiveAgentSession | undefined;
let kind: 'static' | 'moving' = 'static';
const errors: string[] = [];
const canvas = document.createElement('canvas');
canvas.width = 1280;
canvas.height = 720;
const ctx = canvas.getContext('2d')!;
let x = 0;
// The moving scene changes every 100 ms (a box crossing a gradient); the static one is redrawn
// identically, so the capture keeps producing frames that carry no change.
setInterval(() => {
  const g = ctx.createLinearGradient(0, 0, 1280, 720);
  g.addColorStop(0, '#123');
  g.addColorStop(1, '#89a');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 1280, 720);
  ctx.fillStyle = '#fc0';
  ctx.fillRect(x % 1280, 240, 320, 240);
  ctx.font = '32px sans-serif';
  ctx.fillText('live-agent video bench', 40, 80);
  if (kind === 'moving') x += 37;
}, 100);
const track = canvas.captureStream(30).getVideoTracks()[0]!;
const video = createWebVideo({
  openTrack: () => Promise.resolve(track.clone()),
  videoWorker: () => new Worker(new URL('./video-worker.js', import.meta.url), { type: 'module' }),
});
const Processor = (window as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
const Frame = (window as { VideoFrame?: unknown }).VideoFrame;

window.videoBench = {
  async start(endpoint, token) {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    session = new LiveAgentSession(
      { token, endpoint, reconnect: false },
      { transport: createWorkerTransport({ worker }), media: createWebAudioMedia(), video },
    );
    session.on('error', (e) => errors.push(`${e.error.code}: ${e.error.message}`));
    await session.connect();
  },
  async scene(k, grab) {
    kind = k;
    const w = window as { MediaStreamTrackProcessor?: unknown };
    const v = window as { VideoFrame?: unknown };
    if (grab) delete w.MediaStreamTrackProcessor;
    else w.MediaStreamTrackProcessor = Processor;
    if (grab === 'bitmap') delete v.VideoFrame;
    else v.VideoFrame = Frame;
    await session!.startVideo('camera', { fps: 1 });
  },
  stopVideo() {
    const stats = video.getStats();
    session!.stopVideo();
    return stats;
  },
  async stop() {
    const captureDroppedMs = session!.getSnapshot().metrics.captureDroppedMs;
    await session!.disconnect();
    session!.dispose();
    return { errors, captureDroppedMs };
  },
};

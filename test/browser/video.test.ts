/**
 * Video end to end in a real engine: LiveAgentSession + the worker transport + createWebVideo
 * against a per-test emulator. Scenes come from a canvas `captureStream()` (static or moving) or
 * the engine's fake camera; the emulator reports frame counts and the last JPEG's dimensions.
 */
import { afterEach, expect, test } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import type { LiveAgentEventMap } from '../../src/core/events.ts';
import type { VideoOptions, VideoSource } from '../../src/core/video.ts';
import { createWebVideo, type WebVideo } from '../../src/video/index.ts';
import {
  sourceMedia,
  sourceTransport,
  sourceVideoWorker,
  sourceWorker,
} from '../support/source-deps.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Resolves once the emulator's video count has held for 700 ms, with how many arrived after
 * `from` (read when video stopped). A frame already handed to the socket before the stop may
 * still arrive (Firefox once counted one more after a fixed 700 ms); a stop that kept sending
 * never holds, and fails here.
 */
async function framesSettle(s: { info(): Promise<{ videoFrames: number }> }, from: number) {
  let n = (await s.info()).videoFrames;
  await expect
    .poll(
      async () => {
        await sleep(700);
        const m = (await s.info()).videoFrames;
        const held = m === n;
        n = m;
        return held;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return n - from;
}

/** A canvas scene as a video track: a box that moves every 100 ms, or the same picture redrawn. */
function scene(width: number, height: number, moving: boolean): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  let x = 0;
  const draw = () => {
    ctx.fillStyle = '#234';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#fc0';
    ctx.fillRect(x % width, height / 3, width / 4, height / 3);
    if (moving) x += width / 7;
  };
  draw();
  const timer = setInterval(draw, 100);
  const track = canvas.captureStream(10).getVideoTracks()[0]!;
  cleanups.push(() => {
    clearInterval(timer);
    track.stop();
  });
  return track;
}

async function setup(opts: {
  track?: (source: VideoSource, options: VideoOptions) => MediaStreamTrack;
  audio?: boolean;
  emulator?: Parameters<typeof startEmulator>[0];
  worker?: () => Worker;
}) {
  const emu: EmulatorControl = await startEmulator(opts.emulator ?? {});
  cleanups.push(() => emu.close());
  // Video workers started and terminated (each run must end with its worker gone).
  const videoWorkers = { started: 0, terminated: 0 };
  const videoWorker = () => {
    const w = sourceVideoWorker();
    videoWorkers.started++;
    const terminate = w.terminate.bind(w);
    w.terminate = () => {
      videoWorkers.terminated++;
      terminate();
    };
    return w;
  };
  const video: WebVideo = createWebVideo({
    videoWorker,
    ...(opts.track && { openTrack: (s, o) => Promise.resolve(opts.track!(s, o)) }),
  });
  const session = new LiveAgentSession(
    { token: { url: emu.tokenUrl() }, endpoint: emu.url, config: {} },
    {
      transport: sourceTransport(opts.worker),
      media: opts.audio ? sourceMedia() : null,
      video,
    },
  );
  cleanups.push(() => session.dispose());
  const events: LiveAgentEventMap['video'][] = [];
  session.on('video', (e) => events.push(e));
  await session.connect();
  const s = await emu.waitSession();
  return { emu, session, video, s, events, videoWorkers };
}

test('moving 1280×720 scene: JPEG frames ≤ 768 px reach the emulator at the configured rate', async () => {
  const { session, video, s } = await setup({ track: () => scene(1280, 720, true) });
  const previews: [number, number][] = [];
  video.onPreview((b) => {
    previews.push([b.width, b.height]);
    b.close();
  });
  await session.startVideo('camera', { fps: 2 });
  // Counted from the first frame: the video worker's start (cold, from source) is not the rate.
  await expect
    .poll(async () => (await s.info()).videoFrames, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(1);
  const first = (await s.info()).videoFrames;
  const t0 = performance.now();
  // Frames keep coming: 4 more (2 s at 2 fps). Waited for rather than counted over a fixed 3 s:
  // on a starved machine WebKit encoded only 2 in 3 s (a timing target, which is the bench's job).
  await expect
    .poll(async () => (await s.info()).videoFrames - first, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(4);
  const info = await s.info();
  // Never more than the rate allows (2 fps; one more may be on its way).
  const secs = (performance.now() - t0) / 1000;
  expect(info.videoFrames - first).toBeLessThanOrEqual(Math.floor(2 * secs) + 1);
  expect(info.lastVideo).toMatchObject({ mimeType: 'image/jpeg', width: 768, height: 432 });
  expect(info.lastVideo!.bytes).toBeGreaterThan(1000);
  const frames = (await s.received()).filter((f) => f.message?.realtimeInput?.video);
  expect(frames[0]!.message!.realtimeInput.video.mimeType).toBe('image/jpeg');
  expect(previews.at(-1)).toEqual([768, 432]);
  const stats = video.getStats();
  // No `skipped: 0`: the scene redraws on a 100 ms timer, which a starved WebKit ran late, so two
  // captures saw the same picture and the SDK rightly skipped the second (the static-scene test
  // checks skipping).
  expect(stats).toMatchObject({ width: 768, height: 432 });
  // Every sent frame was answered by the transport worker, which reports its own time.
  expect(stats.socketMs).toHaveLength(stats.sent);
  expect(stats.encodeSamples).toHaveLength(stats.sent);
});

test('static scene: unchanged frames are skipped and refreshed at the interval', async () => {
  const { session, video, s } = await setup({ track: () => scene(640, 360, false) });
  await session.startVideo('screen', { fps: 4, refreshMs: 1000 });
  const t0 = performance.now();
  // Until the first frame, two refreshes and six skipped ticks: waited for, not a fixed 3.3 s,
  // which a starved WebKit filled with fewer ticks (the ticks' rate is the bench's business).
  await expect
    .poll(() => video.getStats(), { timeout: 20_000 })
    .toSatisfy((st: { sent: number; skipped: number }) => st.sent >= 3 && st.skipped >= 6);
  // The SDK's count first: a frame sent after it was read may still be on its way, so the
  // emulator's count is read once it has caught up, and may be one ahead.
  const stats = video.getStats();
  let videoFrames = 0;
  for (let i = 0; i < 40 && videoFrames < stats.sent; i++) {
    ({ videoFrames } = await s.info());
    if (videoFrames < stats.sent) await sleep(50);
  }
  expect(videoFrames - stats.sent).toBeGreaterThanOrEqual(0);
  expect(videoFrames - stats.sent).toBeLessThanOrEqual(1);
  // Refreshes are at least refreshMs apart: never more than the first frame plus one a second
  // (one more may be on its way). An upper bound only: a slow machine makes the span longer,
  // never the count higher.
  const secs = (performance.now() - t0) / 1000;
  expect(videoFrames).toBeGreaterThanOrEqual(3);
  expect(videoFrames).toBeLessThanOrEqual(Math.floor(secs) + 2);
});

test('a socket over its bound drops video frames, never audio', async () => {
  const { session, video, s } = await setup({
    track: () => scene(640, 360, true),
    audio: true,
  });
  // A bound below zero: the socket always counts as behind.
  await session.startVideo('camera', { fps: 4, maxBufferedBytes: -1 });
  // Waited for, not counted over a fixed 1.5 s: a loaded Firefox dropped only two in that time.
  await expect.poll(() => video.getStats().dropped, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  const audioFrames = async () =>
    (await s.received()).filter((f) => f.message?.realtimeInput?.audio).length;
  await expect.poll(audioFrames, { timeout: 10_000 }).toBeGreaterThan(20);
  expect((await s.info()).videoFrames).toBe(0);
});

// A script cannot press the browser's "Stop sharing" button; it dispatches the track's `ended`
// instead, which Firefox does not deliver to a track's listeners (they only hear real ends).
const scriptedEnd = !/Firefox\//.test(navigator.userAgent);

test.runIf(scriptedEnd)(
  'the browser ending a share stops video cleanly with a `video` event; audio stays up',
  async () => {
    let track: MediaStreamTrack | undefined;
    const { session, events, s } = await setup({
      track: () => (track = scene(640, 360, true)),
    });
    await session.startVideo('screen', { fps: 4 });
    await sleep(600);
    // What the browser's "Stop sharing" does to the track (a script cannot press that button).
    track!.dispatchEvent(new Event('ended'));
    expect(events.at(-1)).toEqual({ source: null, reason: 'ended' });
    expect(track!.readyState).toBe('ended');
    expect(session.videoSource).toBeNull();
    const before = (await s.info()).videoFrames;
    expect(await framesSettle(s, before)).toBeLessThanOrEqual(1);
    expect(session.status).toBe('connected');
  },
);

// Each way frames leave the main thread, forced by hiding what the engine would prefer: the
// processor's stream (Chromium), a VideoFrame per tick (WebCodecs engines without a processor),
// an ImageBitmap per tick (neither).
test.for(['processor', 'frame', 'bitmap'] as const)(
  'feed path %s: frames reach the emulator, each by that path',
  async (path, { skip }) => {
    const w = window as unknown as Record<string, unknown>;
    const saved = {
      processor: w['MediaStreamTrackProcessor'],
      frame: w['VideoFrame'] as (new (...a: unknown[]) => VideoFrame) | undefined,
      bitmap: w['createImageBitmap'] as (...a: unknown[]) => Promise<ImageBitmap>,
    };
    if (path !== 'bitmap' && !saved[path]) skip(); // the engine has no such path
    cleanups.push(() => {
      Object.assign(w, { MediaStreamTrackProcessor: saved.processor, VideoFrame: saved.frame });
      w['createImageBitmap'] = saved.bitmap;
      if (!saved.processor) delete w['MediaStreamTrackProcessor'];
      if (!saved.frame) delete w['VideoFrame'];
    });
    let made = 0;
    if (path !== 'processor') delete w['MediaStreamTrackProcessor'];
    if (path === 'bitmap') delete w['VideoFrame'];
    if (path === 'frame')
      w['VideoFrame'] = class extends saved.frame! {
        constructor(...args: unknown[]) {
          super(...args);
          made++;
        }
      };
    if (path === 'bitmap')
      w['createImageBitmap'] = (...args: unknown[]) => {
        made++;
        return saved.bitmap.apply(window, args);
      };
    const { session, video, s } = await setup({ track: () => scene(640, 360, true) });
    await session.startVideo('camera', { fps: 4 });
    await expect
      .poll(async () => (await s.info()).videoFrames, { timeout: 8000 })
      .toBeGreaterThanOrEqual(3);
    expect((await s.info()).lastVideo).toMatchObject({ width: 640, height: 360 });
    const { mainMs } = video.getStats();
    if (path === 'processor') {
      expect(mainMs).toHaveLength(1); // the one-time hand-over; no script per frame
    } else {
      expect(made).toBeGreaterThanOrEqual(3);
      expect(mainMs.length).toBeGreaterThanOrEqual(3);
    }
  },
);

test('compression is set by default when the session can send video', async () => {
  const { s } = await setup({ track: () => scene(64, 36, false) });
  const info = await s.info();
  expect(info.setup?.contextWindowCompression).toEqual({ slidingWindow: {} });
});

test('switching source keeps the connection; stopVideo and disconnect leave no track or worker', async () => {
  const tracks: MediaStreamTrack[] = [];
  let terminated = 0;
  const worker = () => {
    const w = sourceWorker();
    const terminate = w.terminate.bind(w);
    w.terminate = () => {
      terminated++;
      terminate();
    };
    return w;
  };
  const { session, video, s, emu, videoWorkers } = await setup({
    track: (source) => {
      const t = scene(source === 'camera' ? 320 : 1280, source === 'camera' ? 240 : 720, true);
      tracks.push(t);
      return t;
    },
    worker,
  });
  await session.startVideo('camera', { fps: 4 });
  await sleep(700);
  await session.startVideo('screen', { fps: 4 });
  expect(tracks[0]!.readyState).toBe('ended');
  // The switch reuses the video worker.
  expect(videoWorkers).toEqual({ started: 1, terminated: 0 });
  await expect
    .poll(async () => (await s.info()).lastVideo, { timeout: 8000 })
    .toMatchObject({ width: 1280, height: 720 });
  expect((await emu.sessions()).length).toBe(1); // no reconnect
  session.stopVideo();
  expect(tracks[1]!.readyState).toBe('ended');
  expect(video.track).toBeNull();
  expect(videoWorkers).toEqual({ started: 1, terminated: 1 });
  const n = (await s.info()).videoFrames;
  expect(await framesSettle(s, n)).toBeLessThanOrEqual(1);
  await session.startVideo('camera', { fps: 4 });
  await session.disconnect();
  expect(tracks[2]!.readyState).toBe('ended');
  expect(videoWorkers).toEqual({ started: 2, terminated: 2 });
  // release() lets the socket close, then terminates the worker (late on a loaded machine).
  await expect.poll(() => terminated, { timeout: 10_000 }).toBe(1);
});

test('the fake camera (real getUserMedia) sends frames', { timeout: 60_000 }, async () => {
  const { session, s, video } = await setup({});
  await session.startVideo('camera', { fps: 2 });
  // Waited for rather than a fixed 1.8 s: a starved WebKit started its video worker late.
  await expect
    .poll(async () => (await s.info()).videoFrames, { timeout: 20_000 })
    .toBeGreaterThanOrEqual(1);
  await expect
    .poll(() => video.getStats().sent + video.getStats().skipped, { timeout: 20_000 })
    .toBeGreaterThanOrEqual(2);
  // Some engines' fake cameras show a still picture: later frames may be skipped as unchanged.
  const info = await s.info();
  expect(Math.max(info.lastVideo!.width, info.lastVideo!.height)).toBeLessThanOrEqual(768);
  session.stopVideo();
  expect(video.track).toBeNull();
});

test('a video worker that cannot load: an error, video off, the conversation stays up', async () => {
  const emu: EmulatorControl = await startEmulator({});
  cleanups.push(() => emu.close());
  let track: MediaStreamTrack | undefined;
  const video = createWebVideo({
    openTrack: () => Promise.resolve((track = scene(320, 180, true))),
    // What a missing file or a refusing CSP does: the worker fails to load.
    videoWorker: () => new Worker('/no-such-video-worker.js', { type: 'module' }),
  });
  const session = new LiveAgentSession(
    { token: { url: emu.tokenUrl() }, endpoint: emu.url, config: {} },
    { transport: sourceTransport(), media: null, video },
  );
  cleanups.push(() => session.dispose());
  const errors: LiveAgentEventMap['error'][] = [];
  const events: LiveAgentEventMap['video'][] = [];
  session.on('error', (e) => errors.push(e));
  session.on('video', (e) => events.push(e));
  await session.connect();
  await session.startVideo('camera', { fps: 4 });
  // An error event where the engine fires one (Chromium, Firefox), else the start watchdog.
  for (let i = 0; i < 300 && events.at(-1)?.source !== null; i++) await sleep(50);
  expect(errors[0]?.error).toMatchObject({ code: 'unsupported' });
  expect(errors[0]?.error.message).toMatch(/video worker/);
  expect(errors[0]?.fatal).toBe(false);
  expect(events.at(-1)).toEqual({ source: null, reason: 'ended' });
  expect(track!.readyState).toBe('ended');
  expect(session.status).toBe('connected');
});

test('dispose() stops the camera and terminates the video worker', async () => {
  const { session, videoWorkers } = await setup({ track: () => scene(320, 180, true) });
  await session.startVideo('camera', { fps: 4 });
  await sleep(300);
  session.dispose();
  expect(videoWorkers).toEqual({ started: 1, terminated: 1 });
});

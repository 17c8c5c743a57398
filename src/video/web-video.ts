/**
 * The default LiveVideo: opens the camera or a screen share, watches the track for its end (the
 * browser's "Stop sharing" button), starts a dedicated video worker that encodes the frames and
 * hands them to the transport's worker through a MessagePort (the port VideoPorts carries), and
 * keeps what the video worker reports (counts, the last frame's size, the scaled preview) for
 * faces and benches. A switch of source reuses the video worker; stop() terminates it.
 */
import type {
  LiveVideo,
  VideoEvent,
  VideoOptions,
  VideoPorts,
  VideoSource,
} from '../core/video.ts';
import { videoSettings } from '../core/video.ts';
import { LiveAgentError } from '../core/errors.ts';
import { trustedScriptUrl } from '../transport/assets.ts';
import { startFeed } from './feed.ts';
import type { VideoPipeMessage, VideoWorkerInit } from './messages.ts';
import { openVideoTrack } from './sources.ts';

export interface WebVideoOptions {
  /** Opens the track (tests and apps with their own capture: a canvas `captureStream()`). */
  openTrack?(source: VideoSource, options: VideoOptions): Promise<MediaStreamTrack>;
  /** Where `live-agent-video-encoder.worker.js` is served; default: beside this bundle. */
  videoWorkerUrl?: string | URL;
  /** Takes precedence over `videoWorkerUrl`: starts a Worker running the video worker (tests). */
  videoWorker?: () => Worker;
}

/**
 * File name of the video worker (JPEG encoding), started only while video is on. Declared here,
 * in the video chunk, so the voice path's files never name it (test/package/size.test.ts).
 */
export const VIDEO_WORKER_FILE = 'live-agent-video-encoder.worker.js';

/** Video worker options that find the file beside the transport worker at `workerUrl`. */
export function videoWorkerBeside(workerUrl: string | URL | undefined): WebVideoOptions {
  if (!workerUrl) return {};
  const base = (globalThis as { document?: { baseURI: string } }).document?.baseURI;
  return { videoWorkerUrl: new URL(VIDEO_WORKER_FILE, new URL(workerUrl, base)) };
}

function defaultVideoWorker(url: string | URL | undefined): Worker {
  return url
    ? new Worker(trustedScriptUrl(url), { type: 'module', name: 'live-agent-video' })
    : // Literal pattern: app bundlers see it and ship the file with the app.
      new Worker(
        trustedScriptUrl(new URL('./live-agent-video-encoder.worker.js', import.meta.url)),
        { type: 'module', name: 'live-agent-video' },
      );
}

/** What the worker reported for the current or last run. */
export interface VideoStats {
  sent: number;
  skipped: number;
  dropped: number;
  width: number;
  height: number;
  bytes: number;
  /** Worker time to scale, compare and encode the last sent frame. */
  encodeMs: number;
  /** The same for every sent frame of the run (at most 10 000 kept). */
  encodeSamples: number[];
  /**
   * Transport-worker milliseconds per sent frame: all that video costs the thread carrying the
   * microphone and the socket (the encoding runs in the video worker).
   */
  socketMs: number[];
  /** Main-thread milliseconds spent per fed frame (the grab path; ~0 with a processor). */
  mainMs: number[];
}

export interface WebVideo extends LiveVideo {
  getStats(): VideoStats;
  /** Each sent frame as scaled for the model (when `preview` is on). The bitmap is yours. */
  onPreview(listener: (bitmap: ImageBitmap) => void): () => void;
  /** The live track (null when off). */
  readonly track: MediaStreamTrack | null;
}

/** How long a video worker may take to load and answer before it counts as failed. */
const VIDEO_WORKER_START_MS = 10_000;

const emptyStats = (): VideoStats => ({
  sent: 0,
  skipped: 0,
  dropped: 0,
  width: 0,
  height: 0,
  bytes: 0,
  encodeMs: 0,
  encodeSamples: [],
  socketMs: [],
  mainMs: [],
});

export function createWebVideo(options: WebVideoOptions = {}): WebVideo {
  const listeners = new Set<(event: VideoEvent) => void>();
  const previews = new Set<(bitmap: ImageBitmap) => void>();
  let run: {
    source: VideoSource;
    track: MediaStreamTrack;
    port: MessagePort;
    watchdog: ReturnType<typeof setTimeout>;
    stop(): void;
  } | null = null;
  /** The video worker, kept across a switch of source, terminated when video stops. */
  let worker: Worker | null = null;
  let stats = emptyStats();
  const emit = (event: VideoEvent): void => {
    for (const l of [...listeners]) l(event);
  };

  /** Ends the run; `switching`: a new run follows at once and keeps the video worker. */
  function stopRun(switching = false): void {
    const r = run;
    run = null;
    if (r) {
      r.stop();
      r.track.stop();
      r.port.close();
      clearTimeout(r.watchdog);
    }
    if (switching) return;
    // Frees the encoder's canvases and any frame or bitmap still in it at once.
    worker?.terminate();
    worker = null;
  }

  /**
   * A video worker that cannot load (missing file, CSP) or breaks: an error, then video is off
   * as if the source had ended; audio is unaffected.
   */
  function fail(why: string): void {
    const r = run;
    stopRun();
    if (!r) return;
    const message = `The live-agent video worker failed: ${why}`;
    emit({ type: 'error', error: new LiveAgentError('unsupported', message) });
    emit({ type: 'ended', source: r.source });
  }

  function startWorker(): Worker {
    const w = options.videoWorker?.() ?? defaultVideoWorker(options.videoWorkerUrl);
    w.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault?.();
      if (worker === w) fail(event.message || 'load error');
    });
    return w;
  }

  return {
    get source() {
      return run?.source ?? null;
    },
    get track() {
      return run?.track ?? null;
    },

    async start(source, opts = {}): Promise<VideoPorts> {
      const settings = videoSettings(source, opts);
      const track = await (options.openTrack ?? openVideoTrack)(source, opts);
      stopRun(true);
      stats = emptyStats();
      try {
        worker ??= startWorker();
      } catch (error) {
        // A CSP (worker-src) or Trusted Types refusal: nothing may stay open.
        track.stop();
        throw new LiveAgentError('unsupported', 'The live-agent video worker could not start', {
          cause: error,
        });
      }
      // feed: main ↔ video worker (frames in; stats, previews out). socket: video worker ↔
      // transport worker (finished JPEGs). The main thread never sees an encoded frame.
      const feed = new MessageChannel();
      const socket = new MessageChannel();
      const port = feed.port1;
      const wanted = { ...settings, preview: previews.size > 0 || settings.preview };
      worker.postMessage(
        {
          type: 'init',
          settings: wanted,
          feed: feed.port2,
          socket: socket.port1,
        } satisfies VideoWorkerInit,
        [feed.port2, socket.port1],
      );
      port.onmessage = (e: MessageEvent<VideoPipeMessage>) => {
        const m = e.data;
        if (m.type === 'sent') {
          stats.sent++;
          ({ width: stats.width, height: stats.height, bytes: stats.bytes } = m);
          stats.encodeMs = m.encodeMs;
          if (stats.encodeSamples.length < 10_000) {
            stats.encodeSamples.push(m.encodeMs);
            stats.socketMs.push(m.socketMs);
          }
        } else if (m.type === 'ready') clearTimeout(current.watchdog);
        else if (m.type === 'skipped') stats.skipped++;
        else if (m.type === 'dropped') stats.dropped++;
        else if (m.type === 'preview') {
          if (previews.size === 0) m.bitmap.close();
          else for (const l of previews) l(m.bitmap);
        }
      };
      const stop = startFeed(track, port, settings, {
        now: () => performance.now(),
        mainMs: (ms) => {
          if (stats.mainMs.length < 10_000) stats.mainMs.push(ms);
        },
      });
      // WebKit fires no error event for a module worker that fails to load: a worker that has
      // not taken the run in time counts as failed.
      const current = {
        source,
        track,
        port,
        stop,
        watchdog: setTimeout(
          () => run === current && fail('it did not start'),
          VIDEO_WORKER_START_MS,
        ),
      };
      run = current;
      // The browser's "Stop sharing" (or an unplugged camera) ends the track.
      track.addEventListener('ended', () => {
        if (run !== current) return;
        stopRun();
        emit({ type: 'ended', source });
      });
      return { port: socket.port2, settings: wanted };
    },

    stop() {
      stopRun();
    },

    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    getStats: () => ({
      ...stats,
      encodeSamples: [...stats.encodeSamples],
      socketMs: [...stats.socketMs],
      mainMs: [...stats.mainMs],
    }),

    onPreview(listener) {
      previews.add(listener);
      return () => previews.delete(listener);
    },
  };
}

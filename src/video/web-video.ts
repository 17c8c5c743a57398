/**
 * The default LiveVideo: opens the camera or a screen share, watches the track for its end (the
 * browser's "Stop sharing" button), feeds frames to the transport's worker through a fresh
 * MessagePort per run, and keeps what the worker reports (counts, the last frame's size, the
 * scaled preview) for faces and benches.
 */
import type {
  LiveVideo,
  VideoEvent,
  VideoOptions,
  VideoPorts,
  VideoSource,
} from '../core/video.ts';
import { videoSettings } from '../core/video.ts';
import { startFeed } from './feed.ts';
import type { VideoPipeMessage } from './messages.ts';
import { openVideoTrack } from './sources.ts';

export interface WebVideoOptions {
  /** Opens the track (tests and apps with their own capture: a canvas `captureStream()`). */
  openTrack?(source: VideoSource, options: VideoOptions): Promise<MediaStreamTrack>;
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

const emptyStats = (): VideoStats => ({
  sent: 0,
  skipped: 0,
  dropped: 0,
  width: 0,
  height: 0,
  bytes: 0,
  encodeMs: 0,
  encodeSamples: [],
  mainMs: [],
});

export function createWebVideo(options: WebVideoOptions = {}): WebVideo {
  const listeners = new Set<(event: VideoEvent) => void>();
  const previews = new Set<(bitmap: ImageBitmap) => void>();
  let run: {
    source: VideoSource;
    track: MediaStreamTrack;
    port: MessagePort;
    stop(): void;
  } | null = null;
  let stats = emptyStats();
  const emit = (event: VideoEvent): void => {
    for (const l of [...listeners]) l(event);
  };

  function stopRun(): void {
    const r = run;
    run = null;
    if (!r) return;
    r.stop();
    r.track.stop();
    r.port.close();
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
      stopRun();
      stats = emptyStats();
      const channel = new MessageChannel();
      const port = channel.port1;
      port.onmessage = (e: MessageEvent<VideoPipeMessage>) => {
        const m = e.data;
        if (m.type === 'sent') {
          stats.sent++;
          ({ width: stats.width, height: stats.height, bytes: stats.bytes } = m);
          stats.encodeMs = m.encodeMs;
          if (stats.encodeSamples.length < 10_000) stats.encodeSamples.push(m.encodeMs);
        } else if (m.type === 'skipped') stats.skipped++;
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
      const current = { source, track, port, stop };
      run = current;
      // The browser's "Stop sharing" (or an unplugged camera) ends the track.
      track.addEventListener('ended', () => {
        if (run !== current) return;
        stopRun();
        emit({ type: 'ended', source });
      });
      return {
        port: channel.port2,
        settings: { ...settings, preview: previews.size > 0 || settings.preview },
      };
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
      mainMs: [...stats.mainMs],
    }),

    onPreview(listener) {
      previews.add(listener);
      return () => previews.delete(listener);
    },
  };
}

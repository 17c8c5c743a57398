/**
 * A LiveVideo whose code (sources, feed: `live-agent-video.js`) is fetched on the first start(),
 * so the default deps carry video without a voice-only conversation downloading it.
 */
import type { LiveVideo, VideoEvent } from '../core/video.ts';
import type { WebVideo } from './web-video.ts';

export type LazyWebVideo = LiveVideo & Pick<WebVideo, 'onPreview'>;

export function createLazyWebVideo(load: () => Promise<() => WebVideo>): LazyWebVideo {
  const listeners = new Set<(event: VideoEvent) => void>();
  // Preview listeners and their unsubscribe on the real video (once loaded).
  const previews = new Map<(bitmap: ImageBitmap) => void, (() => void) | undefined>();
  let real: WebVideo | null = null;
  let loading: Promise<WebVideo> | null = null;
  const ready = (): Promise<WebVideo> =>
    (loading ??= load().then((create) => {
      const video = create();
      video.on((event) => {
        for (const l of [...listeners]) l(event);
      });
      for (const l of previews.keys()) previews.set(l, video.onPreview(l));
      return (real = video);
    }));
  return {
    get source() {
      return real?.source ?? null;
    },
    async start(source, options) {
      return (await ready()).start(source, options);
    },
    stop() {
      real?.stop();
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onPreview(listener) {
      previews.set(listener, real?.onPreview(listener));
      return () => {
        previews.get(listener)?.();
        previews.delete(listener);
      };
    },
  };
}

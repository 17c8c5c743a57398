/**
 * What a page leaves running: an init script (Playwright `addInitScript`, runs before the page's
 * own scripts) that records every Worker, AudioContext and getUserMedia stream the page creates,
 * and a reader that counts those still alive (not terminated, not closed, tracks not ended).
 * Sockets live in the worker, out of the page's reach: tests count them at the emulator.
 */
import type { Page } from 'playwright-core';

/** Runs in the page before its scripts. */
export function trackResources(): void {
  const rec = {
    workers: [] as { terminated: boolean }[],
    contexts: [] as BaseAudioContext[],
    streams: [] as MediaStream[],
  };
  (window as unknown as { __resources: typeof rec }).__resources = rec;
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      const entry = { terminated: false };
      rec.workers.push(entry);
      const terminate = this.terminate.bind(this);
      this.terminate = () => {
        entry.terminated = true;
        terminate();
      };
    }
  };
  const NativeContext = window.AudioContext;
  window.AudioContext = class extends NativeContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      rec.contexts.push(this);
    }
  };
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    rec.streams.push(stream);
    return stream;
  };
}

/** Counts of what the page created, and of what is still alive. */
export interface Resources {
  workers: number;
  contexts: number;
  tracks: number;
  liveWorkers: number;
  openContexts: number;
  liveTracks: number;
}

export function resources(page: Page): Promise<Resources> {
  return page.evaluate(() => {
    const rec = (
      window as unknown as {
        __resources: {
          workers: { terminated: boolean }[];
          contexts: BaseAudioContext[];
          streams: MediaStream[];
        };
      }
    ).__resources;
    const tracks = rec.streams.flatMap((s) => s.getTracks());
    return {
      workers: rec.workers.length,
      contexts: rec.contexts.length,
      tracks: tracks.length,
      liveWorkers: rec.workers.filter((w) => !w.terminated).length,
      openContexts: rec.contexts.filter((c) => c.state !== 'closed').length,
      liveTracks: tracks.filter((t) => t.readyState !== 'ended').length,
    };
  });
}

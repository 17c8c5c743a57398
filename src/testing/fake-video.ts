/**
 * FakeVideo: a LiveVideo without a camera. start() records the call and hands out a real
 * MessageChannel port; a test can fail the next start, or end the source as the browser's
 * "Stop sharing" button would.
 */
import type { LiveAgentError } from '../core/errors.ts';
import {
  videoSettings,
  type LiveVideo,
  type VideoEvent,
  type VideoOptions,
  type VideoPorts,
  type VideoSource,
} from '../core/video.ts';

export class FakeVideo implements LiveVideo {
  /** Every start() call. */
  readonly starts: { source: VideoSource; options?: VideoOptions }[] = [];
  stops = 0;
  /** The next start() rejects with this. */
  failNext: LiveAgentError | null = null;
  private current: VideoSource | null = null;
  private readonly listeners = new Set<(event: VideoEvent) => void>();
  private channel: MessageChannel | null = null;

  get source(): VideoSource | null {
    return this.current;
  }

  start(source: VideoSource, options?: VideoOptions): Promise<VideoPorts> {
    this.starts.push({ source, options });
    const failure = this.failNext;
    if (failure) {
      this.failNext = null;
      return Promise.reject(failure);
    }
    this.channel?.port1.close();
    this.channel = new MessageChannel();
    this.current = source;
    return Promise.resolve({ port: this.channel.port2, settings: videoSettings(source, options) });
  }

  stop(): void {
    this.stops++;
    this.current = null;
    this.channel?.port1.close();
    this.channel = null;
  }

  /** The source ends by itself (the user stopped sharing from the browser UI). */
  end(): void {
    const source = this.current;
    if (!source) return;
    this.current = null;
    for (const l of [...this.listeners]) l({ type: 'ended', source });
  }

  on(listener: (event: VideoEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * The session's side of video: starting and switching the source without a reconnect, stopping
 * it (by the app, by the browser's "stop sharing" button, on disconnect) and remembering that
 * frames were sent, which shortens the service's session limit (reconnect.ts).
 */
import { LiveAgentError, MediaError } from './errors.ts';
import type { LiveTransport } from './transport.ts';
import type { LiveVideo, VideoOptions, VideoSource } from './video.ts';

/** Why video stopped, in the `video` event. */
export type VideoStopReason = 'stopped' | 'ended' | 'disconnected';

export interface SessionVideoDeps {
  video: LiveVideo | null;
  transport: LiveTransport;
  /** The source changed (`null`: video is off, with the reason). */
  changed(source: VideoSource | null, reason?: VideoStopReason): void;
  /** The source failed after it started. */
  failed(error: LiveAgentError): void;
}

export class SessionVideo {
  private current: VideoSource | null = null;
  /** Frames went out during this session run (the audio+video limit applies). */
  private used = false;
  /** Bumped by every start/stop, so a start that lands after a newer call closes what it opened. */
  private generation = 0;
  private readonly off: () => void;

  constructor(private readonly deps: SessionVideoDeps) {
    this.off =
      deps.video?.on((event) => {
        if (event.type === 'error') return deps.failed(event.error);
        if (event.source !== this.current) return;
        this.generation++;
        this.current = null;
        deps.video?.stop();
        deps.changed(null, 'ended');
      }) ?? (() => {});
  }

  /** The source being sent, or null. */
  get source(): VideoSource | null {
    return this.current;
  }

  /** True once video was on during this session run. */
  get sent(): boolean {
    return this.used;
  }

  /** True when this session can send video at all (a video source and a transport that takes it). */
  get available(): boolean {
    return this.deps.video !== null && this.deps.transport.capabilities.video;
  }

  /** Starts `source`, or switches to it (the connection stays up). */
  async start(source: VideoSource, options?: VideoOptions): Promise<void> {
    const { video, transport } = this.deps;
    if (!transport.capabilities.video)
      throw new LiveAgentError('unsupported', 'This transport does not take video');
    if (!video || !transport.attachVideo) throw MediaError.unsupported('video (no video source)');
    const generation = ++this.generation;
    const ports = await video.start(source, options);
    if (generation !== this.generation) {
      ports.port.close();
      throw new LiveAgentError('aborted', 'Video start superseded');
    }
    await transport.attachVideo(ports);
    if (generation !== this.generation)
      throw new LiveAgentError('aborted', 'Video start superseded');
    // The source ended (or its worker failed) while it was being attached: its event came before
    // it was current, so report it here; video is off.
    if (video.source !== source) return this.deps.changed(null, 'ended');
    this.current = source;
    this.used = true;
    this.deps.changed(source);
  }

  /** Stops video (no-op when off). */
  stop(reason: VideoStopReason = 'stopped'): void {
    this.generation++;
    this.deps.video?.stop();
    if (this.current === null) return;
    this.current = null;
    this.deps.changed(null, reason);
  }

  /** A new session run starts: its limit depends on video from now on. */
  resetRun(): void {
    this.used = this.current !== null;
  }

  dispose(): void {
    this.stop('disconnected');
    this.off();
  }
}

/**
 * The microphone end of the graph: the stream and its source node, mute, selecting another
 * device mid-conversation, and losing one. A lost microphone (unplugged: its track ends, or it
 * leaves the device list) is replaced by the default device once, however many signals report
 * it; only when no microphone can be opened does the session hear `track-ended`.
 */
import { LiveAgentError } from '../core/errors.ts';
import type { MediaEvent } from '../core/media.ts';
import { micConstraints, openMic, type AudioOptions } from './options.ts';

export class Microphone {
  private stream: MediaStream | undefined;
  private source: MediaStreamAudioSourceNode | undefined;
  private target: { ctx: AudioContext; node: AudioNode } | undefined;
  /** Switches run one after another; a fallback in flight absorbs repeated loss signals. */
  private queue: Promise<unknown> = Promise.resolve();
  private fallback: Promise<void> | undefined;
  private enabled = true;
  private closed = false;

  constructor(
    private readonly options: AudioOptions,
    private readonly emit: (event: MediaEvent) => void,
  ) {}

  /** Opens the configured device (`options.deviceId`, else the default). */
  async open(): Promise<MediaStream> {
    const stream = await openMic(micConstraints(this.options, this.options.deviceId));
    this.adopt(stream);
    return stream;
  }

  /** The graph exists: watch the device list, and connect later devices into `node`. */
  attach(ctx: AudioContext, source: MediaStreamAudioSourceNode, node: AudioNode): void {
    this.source = source;
    this.target = { ctx, node };
    navigator.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    for (const t of this.stream?.getAudioTracks() ?? []) t.enabled = enabled;
  }

  /** Moves capture to `deviceId` (undefined: the default device) without rebuilding the graph. */
  select(deviceId: string | undefined): Promise<void> {
    return this.enqueue(() => this.switchTo(deviceId, 'selected'));
  }

  close(): void {
    this.closed = true;
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    this.release();
    this.stream = this.source = this.target = undefined;
  }

  private readonly onTrackEnded = () => this.lost();

  private readonly onDeviceChange = () => {
    void navigator.mediaDevices.enumerateDevices().then((devices) => {
      // Read after the list: a switch may have finished meanwhile (then this device is current).
      const current = this.stream?.getAudioTracks()[0]?.getSettings().deviceId;
      if (this.closed || !current) return;
      if (!devices.some((d) => d.kind === 'audioinput' && d.deviceId === current)) this.lost();
    });
  };

  /** The device went away: fall back to the default one, or report the microphone gone. */
  private lost(): void {
    if (this.closed || this.fallback) return;
    this.fallback = this.enqueue(() => this.switchTo(undefined, 'fallback'))
      .catch(() => {
        if (!this.closed) this.emit({ type: 'track-ended', kind: 'audio' });
      })
      .finally(() => (this.fallback = undefined));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async switchTo(deviceId: string | undefined, reason: 'selected' | 'fallback') {
    const target = this.target;
    if (!target || this.closed)
      throw new LiveAgentError('not-connected', 'The microphone is not open');
    const stream = await openMic(micConstraints(this.options, deviceId));
    try {
      if (this.closed) throw new LiveAgentError('aborted', 'Media was closed while switching');
      // Throws where the new device's rate cannot join the context (Firefox ≤ 140): the old
      // microphone then stays in use and the new stream is stopped below.
      const source = target.ctx.createMediaStreamSource(stream);
      this.release();
      this.adopt(stream);
      this.source = source;
      source.connect(target.node);
    } catch (error) {
      for (const t of stream.getTracks()) t.stop();
      throw error;
    }
    const inUse = stream.getAudioTracks()[0]?.getSettings().deviceId ?? deviceId ?? null;
    this.emit({ type: 'device', kind: 'input', deviceId: inUse, reason });
  }

  private adopt(stream: MediaStream): void {
    this.stream = stream;
    for (const t of stream.getAudioTracks()) {
      t.enabled = this.enabled;
      // The handler property, not addEventListener: in Firefox 153 a listener added that way did
      // not see an `ended` dispatched on the track (onended did). The tracks are ours alone.
      t.onended = this.onTrackEnded;
    }
  }

  /** Stops the current stream's tracks and unplugs its source. */
  private release(): void {
    this.source?.disconnect();
    for (const t of this.stream?.getTracks() ?? []) {
      t.onended = null;
      t.stop();
    }
  }
}

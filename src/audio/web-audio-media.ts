/**
 * The default LiveMedia: microphone → capture worklet and playback worklet → speaker, in one
 * AudioContext. Audio flows over MessagePorts between the worklets and the transport's worker;
 * this main-thread object only builds the graph, tracks levels, devices and the autoplay gate.
 */
import { LiveAgentError } from '../core/errors.ts';
import type { LiveMedia, MediaEvent, MediaLevels, MediaPorts } from '../core/media.ts';
import type { LevelMessage, WorkletControl } from '../../worklets/messages.ts';
import { contextForStream, loadWorklets, newContext, tryResume } from './context.ts';
import {
  type AudioOptions,
  checkEnvironment,
  defaultWorkletUrls,
  micConstraints,
  openMic,
} from './options.ts';
import { AudioOutput, setSink } from './output.ts';

/** LiveMedia plus the Web Audio-specific controls. */
export interface WebAudioMedia extends LiveMedia {
  /** Output gain, 0..1. */
  setVolume(volume: number): void;
  /** Switches the speaker where `setSinkId` exists; resolves false where it does not. */
  setOutputDevice(deviceId: string): Promise<boolean>;
  /** The running context (after `start()`), e.g. for an app's own visualisers. */
  readonly context: AudioContext | undefined;
}

/** Creates the default microphone/speaker graph; nothing opens until `start()`. */
export function createWebAudioMedia(options: AudioOptions = {}): WebAudioMedia {
  return new WebAudioGraph(options);
}

const ZERO = { rms: 0, peak: 0 };

class WebAudioGraph implements WebAudioMedia {
  needsGesture = false;
  context: AudioContext | undefined;
  private owned = false;
  private stream: MediaStream | undefined;
  private source: MediaStreamAudioSourceNode | undefined;
  private capture: AudioWorkletNode | undefined;
  private playback: AudioWorkletNode | undefined;
  private output: AudioOutput | undefined;
  private workerPorts: MessagePort[] = [];
  private levels: MediaLevels = { input: ZERO, output: ZERO };
  private listeners = new Set<(event: MediaEvent) => void>();
  private micEnabled = true;
  private started: Promise<MediaPorts> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private contextClosing: Promise<void> | undefined;
  private readonly unlock = () => {
    if (this.needsGesture) void this.resume();
  };
  private readonly onDeviceChange = () => void this.deviceChanged();
  private readonly onTrackEnded = () => {
    if (this.closed) return;
    this.emit({ type: 'track-ended', kind: 'audio' });
    void this.switchMic(undefined).catch(() => undefined);
  };

  constructor(private readonly options: AudioOptions) {}

  start(): Promise<MediaPorts> {
    // connect → disconnect → connect: a closed graph opens afresh (after its close finished).
    if (this.closing) return this.closing.then(() => this.start());
    if (this.closed) {
      this.closed = false;
      this.started = this.contextClosing = this.context = undefined;
      this.needsGesture = false;
    }
    this.started ??= this.open().catch(async (error: unknown) => {
      this.closed = true;
      await this.release();
      throw error;
    });
    return this.started;
  }

  private async open(): Promise<MediaPorts> {
    checkEnvironment();
    const o = this.options;
    if (o.microphone !== false) {
      this.stream = await openMic(micConstraints(o, o.deviceId));
      this.alive(); // the catch in start() releases what was opened
      this.watchTrack();
    }
    const { ctx, owned, source } = this.stream
      ? await contextForStream(this.stream, o.audioContext)
      : { ctx: o.audioContext ?? newContext(), owned: !o.audioContext, source: undefined };
    this.context = ctx;
    this.owned = owned;
    this.source = source;
    this.alive();
    await loadWorklets(ctx, o.workletUrls ?? defaultWorkletUrls());
    this.alive();

    if (source) {
      this.capture = new AudioWorkletNode(ctx, 'live-agent-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
      });
      source.connect(this.capture);
    }
    this.playback = new AudioWorkletNode(ctx, 'live-agent-playback', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: o.jitter ?? {},
    });
    const capturePort = this.capture && this.plug(this.capture, 'input');
    const playbackPort = this.plug(this.playback, 'output');
    this.output = new AudioOutput(ctx, this.playback, o, this.onStateChange);
    if (o.outputDeviceId) await this.setOutputDevice(o.outputDeviceId);

    navigator.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
    document.addEventListener('pointerdown', this.unlock, true);
    document.addEventListener('keydown', this.unlock, true);
    ctx.addEventListener('statechange', this.onStateChange);
    await tryResume(ctx);
    this.alive();
    this.updateGesture();
    return {
      ...(capturePort && {
        capture: { port: capturePort, sampleRate: ctx.sampleRate, frameMs: o.frameMs },
      }),
      playback: { port: playbackPort, sampleRate: ctx.sampleRate },
    };
  }

  /** Throws if close() ran while start() awaited. */
  private alive(): void {
    if (this.closed) throw new LiveAgentError('aborted', 'Media was closed while starting');
  }

  /** Gives the worklet one end of a fresh channel and returns the end for the worker. */
  private plug(node: AudioWorkletNode, side: 'input' | 'output'): MessagePort {
    const channel = new MessageChannel();
    const msg: WorkletControl = { type: 'port', port: channel.port1 };
    node.port.postMessage(msg, [channel.port1]);
    node.port.onmessage = (e: MessageEvent<LevelMessage>) => {
      // A level posted before the worklet saw a mute would undo the zeroing in setMicEnabled.
      if (e.data?.type !== 'level' || (side === 'input' && !this.micEnabled)) return;
      const level = { rms: e.data.rms, peak: e.data.peak };
      this.levels = { ...this.levels, [side]: level };
    };
    this.workerPorts.push(channel.port2);
    return channel.port2;
  }

  private readonly onStateChange = () => this.updateGesture();

  private updateGesture(): void {
    const ctx = this.context;
    if (!ctx || this.closed) return;
    const blocked = ctx.state !== 'running' || !!this.output?.paused;
    if (blocked === this.needsGesture) return;
    this.needsGesture = blocked;
    this.emit({ type: 'needs-gesture', needsGesture: blocked });
  }

  async resume(): Promise<void> {
    const ctx = this.context;
    if (!ctx || this.closed) return;
    // Both calls start synchronously, inside the gesture's activation window.
    const resumed = ctx.resume().catch(() => undefined);
    this.output?.play();
    await resumed;
    this.updateGesture();
  }

  setMicEnabled(enabled: boolean): void {
    this.micEnabled = enabled;
    for (const t of this.stream?.getAudioTracks() ?? []) t.enabled = enabled;
    const msg: WorkletControl = { type: 'enable', enabled };
    this.capture?.port.postMessage(msg);
    if (!enabled) this.levels = { ...this.levels, input: ZERO };
  }

  setVolume(volume: number): void {
    this.output?.setVolume(volume);
  }

  setOutputDevice(deviceId: string): Promise<boolean> {
    // Without an output (not started yet, or closed) the context, if any, takes the device.
    return setSink(this.output?.sink ?? this.context, deviceId);
  }

  getLevels(): MediaLevels {
    return this.levels;
  }

  on(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: MediaEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  private watchTrack(): void {
    for (const t of this.stream?.getAudioTracks() ?? [])
      t.addEventListener('ended', this.onTrackEnded);
  }

  private async deviceChanged(): Promise<void> {
    if (this.closed) return;
    this.emit({ type: 'device-change' });
    const current = this.stream?.getAudioTracks()[0]?.getSettings().deviceId;
    if (!current) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    const present = devices.some((d) => d.kind === 'audioinput' && d.deviceId === current);
    if (!present) await this.switchMic(undefined).catch(() => undefined);
  }

  /** Re-opens the microphone (default device when `deviceId` is undefined) into the same graph. */
  private async switchMic(deviceId: string | undefined): Promise<void> {
    const ctx = this.context;
    if (!ctx || !this.capture || this.closed) return;
    const stream = await openMic(micConstraints(this.options, deviceId));
    if (this.closed) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    const source = ctx.createMediaStreamSource(stream);
    this.stopMic();
    this.stream = stream;
    this.source = source;
    this.watchTrack();
    for (const t of stream.getAudioTracks()) t.enabled = this.micEnabled;
    source.connect(this.capture);
  }

  private stopMic(): void {
    this.source?.disconnect();
    for (const t of this.stream?.getTracks() ?? []) {
      t.removeEventListener('ended', this.onTrackEnded);
      t.stop();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    // A start() in flight sees `closed` and unwinds; free what it left, then allow a restart.
    this.closing ??= (async () => {
      await this.started?.catch(() => undefined);
      await this.release();
    })().finally(() => (this.closing = undefined));
    await this.closing;
  }

  /** Frees whatever exists; safe to call again (a start() that lost a race with close()). */
  private async release(): Promise<void> {
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    document.removeEventListener('pointerdown', this.unlock, true);
    document.removeEventListener('keydown', this.unlock, true);
    this.context?.removeEventListener('statechange', this.onStateChange);
    this.stopMic();
    this.stream = undefined;
    this.source = undefined;
    const stop: WorkletControl = { type: 'stop' };
    for (const node of [this.capture, this.playback]) {
      if (!node) continue;
      node.port.postMessage(stop);
      node.port.onmessage = null;
      node.port.close();
      node.disconnect();
    }
    this.capture = this.playback = undefined;
    this.output?.close();
    this.output = undefined;
    for (const port of this.workerPorts.splice(0)) port.close();
    this.levels = { input: ZERO, output: ZERO };
    const ctx = this.context;
    if (this.owned && ctx && ctx.state !== 'closed') this.contextClosing ??= ctx.close();
    await this.contextClosing;
  }
}

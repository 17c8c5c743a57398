/**
 * The default LiveMedia: microphone → capture worklet and playback worklet → speaker, in one
 * AudioContext. Audio flows over MessagePorts between the worklets and the transport's worker;
 * this main-thread object only builds the graph, tracks levels, devices and the autoplay gate.
 */
import { LiveAgentError, MediaError } from '../core/errors.ts';
import {
  IDLE_PLAYBACK,
  type LevelPorts,
  type LiveMedia,
  type MediaEvent,
  type MediaLevels,
  type MediaPlayback,
  type MediaPorts,
} from '../core/media.ts';
import type { PlaybackLevelMessage, WorkletControl } from '../../worklets/messages.ts';
import { contextForStream, loadWorklets, newContext, tryResume } from './context.ts';
import { type AudioOptions, checkEnvironment, defaultWorkletUrls } from './options.ts';
import { Microphone } from './microphone.ts';
import { AudioOutput, setSink } from './output.ts';

/** LiveMedia plus the Web Audio-specific controls. */
export interface WebAudioMedia extends LiveMedia {
  /**
   * Where model audio playback is, from the playback worklet's ~30 Hz level messages (sent while
   * this or getLevels() is read: the first read after a second without any returns the last
   * known position and starts them again).
   */
  getPlayback(): MediaPlayback;
  /** Moves capture to another microphone (undefined: the default one), keeping the graph. */
  setInputDevice(deviceId: string | undefined): Promise<void>;
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
/**
 * How long one read of the levels or the playback position keeps the worklets posting them to
 * the main thread; renewed at most twice per lease while reads go on. A page that never reads
 * them gets no level messages at all (they were most of a bare session's main-thread time).
 */
export const LEVEL_LEASE_MS = 1000;
/**
 * Events that grant user activation (HTML "activation triggering input event"): a touch grants
 * it on pointerup/touchend, not pointerdown, so iOS needs those to unlock audio on a first tap.
 */
const UNLOCK_EVENTS = ['pointerdown', 'pointerup', 'touchend', 'keydown'] as const;

class WebAudioGraph implements WebAudioMedia {
  needsGesture = false;
  context: AudioContext | undefined;
  private owned = false;
  private mic: Microphone | undefined;
  private capture: AudioWorkletNode | undefined;
  private playback: AudioWorkletNode | undefined;
  private output: AudioOutput | undefined;
  private workerPorts: MessagePort[] = [];
  private levels: MediaLevels = { input: ZERO, output: ZERO };
  private played: PlaybackLevelMessage | undefined;
  private listeners = new Set<(event: MediaEvent) => void>();
  private micEnabled = true;
  /** The level feed to another thread (feedLevels), re-plugged when the graph opens again. */
  private feed: { hz: number; deliver: (ports: LevelPorts) => void } | undefined;
  /** performance.now() of the last lease sent to the worklets. */
  private leasedAt = -Infinity;
  private started: Promise<MediaPorts> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private contextClosing: Promise<void> | undefined;
  private readonly unlock = () => {
    if (this.needsGesture) void this.resume();
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
      // Whatever else the graph threw (a worklet node the browser refuses, an output that will
      // not open) is still a media fault: untyped, the session would report connection-lost.
      if (error instanceof LiveAgentError) throw error;
      throw new MediaError('device-error', `Audio could not start: ${String(error)}`, {
        cause: error,
      });
    });
    return this.started;
  }

  private async open(): Promise<MediaPorts> {
    checkEnvironment();
    const o = this.options;
    let stream: MediaStream | undefined;
    if (o.microphone !== false) {
      this.mic = new Microphone(o, (event) => this.emit(event));
      stream = await this.mic.open();
      this.alive(); // the catch in start() releases what was opened
    }
    const { ctx, owned, source } = stream
      ? await contextForStream(stream, o.audioContext)
      : { ctx: o.audioContext ?? newContext(), owned: !o.audioContext, source: undefined };
    this.context = ctx;
    this.owned = owned;
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
      this.mic?.attach(ctx, source, this.capture);
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

    for (const type of UNLOCK_EVENTS) document.addEventListener(type, this.unlock, true);
    ctx.addEventListener('statechange', this.onStateChange);
    await tryResume(ctx);
    this.alive();
    this.updateGesture();
    this.plugFeed();
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
    node.port.onmessage = (e: MessageEvent<PlaybackLevelMessage>) => {
      // A level posted before the worklet saw a mute would undo the zeroing in setMicEnabled.
      if (e.data?.type !== 'level' || (side === 'input' && !this.micEnabled)) return;
      const level = { rms: e.data.rms, peak: e.data.peak };
      this.levels = { ...this.levels, [side]: level };
      if (side === 'output') this.played = e.data;
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
    this.mic?.setEnabled(enabled);
    const msg: WorkletControl = { type: 'enable', enabled };
    this.capture?.port.postMessage(msg);
    if (!enabled) this.levels = { ...this.levels, input: ZERO };
  }

  setVolume(volume: number): void {
    this.output?.setVolume(volume);
  }

  async setOutputDevice(deviceId: string): Promise<boolean> {
    // Without an output (not started yet, or closed) the context, if any, takes the device.
    const switched = await setSink(this.output?.sink ?? this.context, deviceId);
    if (switched) this.emit({ type: 'device', kind: 'output', deviceId, reason: 'selected' });
    return switched;
  }

  async setInputDevice(deviceId: string | undefined): Promise<void> {
    if (!this.mic) throw new LiveAgentError('not-connected', 'The microphone is not open');
    await this.mic.select(deviceId);
  }

  getLevels(): MediaLevels {
    this.lease();
    return this.levels;
  }

  /** Keeps the worklets posting levels here while someone reads them (worklets/level-sinks.ts). */
  private lease(): void {
    const now = performance.now();
    if (now - this.leasedAt < LEVEL_LEASE_MS / 2 || !this.playback) return;
    this.leasedAt = now;
    const msg: WorkletControl = { type: 'lease', ms: LEVEL_LEASE_MS };
    this.capture?.port.postMessage(msg);
    this.playback.port.postMessage(msg);
  }

  feedLevels(hz: number, deliver?: (ports: LevelPorts) => void): void {
    this.feed = hz > 0 && deliver ? { hz, deliver } : undefined;
    this.plugFeed();
  }

  /** Gives each worklet a fresh channel to the feed's thread (or stops them posting there). */
  private plugFeed(): void {
    if (!this.playback) return; // start() plugs it once the worklets exist
    const feed = this.feed;
    const ports: LevelPorts = {};
    const plug = (node: AudioWorkletNode | undefined, side: keyof LevelPorts) => {
      const channel = feed && node && new MessageChannel();
      const msg: WorkletControl = { type: 'meter', port: channel?.port1, hz: feed?.hz };
      node?.port.postMessage(msg, channel ? [channel.port1] : []);
      if (node) ports[side] = channel?.port2;
    };
    plug(this.capture, 'input');
    plug(this.playback, 'output');
    feed?.deliver(ports);
  }

  getPlayback(): MediaPlayback {
    this.lease();
    const p = this.played;
    const rate = this.context?.sampleRate;
    if (!p || !rate) return IDLE_PLAYBACK;
    const ms = (frames: number) => (frames * 1000) / rate;
    return {
      audioTurnId: p.turnId,
      playedMs: ms(p.playedFrames),
      bufferedMs: ms(p.bufferedFrames),
      playing: p.playing,
    };
  }

  on(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: MediaEvent): void {
    for (const l of [...this.listeners]) l(event);
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
    for (const type of UNLOCK_EVENTS) document.removeEventListener(type, this.unlock, true);
    this.context?.removeEventListener('statechange', this.onStateChange);
    this.mic?.close();
    this.mic = undefined;
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
    this.played = undefined;
    this.leasedAt = -Infinity;
    const ctx = this.context;
    if (this.owned && ctx && ctx.state !== 'closed') this.contextClosing ??= ctx.close();
    await this.contextClosing;
  }
}

/**
 * LiveAgentSession: the framework-free heart of the SDK. It builds the managers (connector, tools,
 * transcript, speaking, link, media, usage, metrics) over a LiveTransport and an optional
 * LiveMedia, merges their slices into one immutable snapshot and exposes one typed event map.
 * Tool handlers run here; audio never passes through.
 */
import { LiveAgentError } from './errors.ts';
import { TypedEmitter, type Emit, type LiveAgentEventMap } from './events.ts';
import type { Connector } from './connector.ts';
import { AgentState } from './agents.ts';
import { LinkState } from './link.ts';
import { SpeakingState } from './speaking.ts';
import { InboundHandler } from './inbound.ts';
import { SnapshotStore } from './snapshot.ts';
import { ToolManager } from './tools.ts';
import { TranscriptStore } from './transcript.ts';
import { UsageTracker } from './usage.ts';
import { MetricsTracker } from './metrics.ts';
import { PushToTalk } from './activity.ts';
import { Outbox } from './outbox.ts';
import { SessionMedia } from './session-media.ts';
import { SessionVideo } from './session-video.ts';
import type { LiveVideo, VideoOptions, VideoSource } from './video.ts';
import { initialSnapshot, pushToTalkEnabled, type SessionStats } from './session-support.ts';
import { createConnector, wireSession } from './session-wire.ts';
import type { LiveMedia, MediaLevels } from './media.ts';
import type { LiveTransport, TransportCapabilities } from './transport.ts';
import type {
  LiveAgentOptions,
  LiveAgentSnapshot,
  LiveAgentStatus,
  PlaybackPosition,
  ToolDefinition,
} from './types.ts';
import type { FunctionResponse } from './wire.ts';

/** Injected collaborators: the wire transport, the media graph (optional) and fetch. */
export interface LiveAgentDeps {
  transport: LiveTransport;
  media?: LiveMedia | null;
  /** Camera/screen source (`startVideo`); none: video calls fail with `unsupported`. */
  video?: LiveVideo | null;
  fetch?: typeof fetch;
}

/** A voice/text session with a Gemini Live agent. See LiveAgentOptions and LiveAgentEventMap. */
export class LiveAgentSession {
  private readonly options: LiveAgentOptions;
  private readonly transport: LiveTransport;
  private readonly emitter = new TypedEmitter<LiveAgentEventMap>();
  private readonly store: SnapshotStore;
  // The managers, each owning its slice of the snapshot (merged by publish()).
  private readonly link = new LinkState();
  private readonly speaking = new SpeakingState();
  private readonly usage = new UsageTracker();
  private readonly metrics = new MetricsTracker();
  private readonly agents = new AgentState();
  private readonly transcript: TranscriptStore;
  private readonly media: SessionMedia;
  private readonly video: SessionVideo;
  private readonly tools: ToolManager;
  private readonly connector: Connector;
  /** Tool responses produced while no connection is up; sent once one is. */
  private readonly outbox: Outbox<FunctionResponse[]>;
  private readonly inbound: InboundHandler;
  private readonly activity: PushToTalk;
  private readonly stats: SessionStats = {
    messages: 0,
    audioChunks: 0,
    audioBytes: 0,
    bufferedMs: 0,
  };
  private readonly cleanups: (() => void)[] = [];
  private disposed = false;

  constructor(options: LiveAgentOptions, deps: LiveAgentDeps) {
    if (options?.token === undefined || options.token === null || options.token === '')
      throw new LiveAgentError('token-invalid', 'LiveAgentSession needs a `token` option');
    this.options = { ...options };
    this.transport = deps.transport;
    const media = deps.media ?? null;
    const emit: Emit<LiveAgentEventMap> = (type, event) => this.emitter.emit(type, event);
    const publish = (): void => this.publish();
    this.store = new SnapshotStore(initialSnapshot(media?.needsGesture ?? false));
    // Build: every manager gets only what already exists.
    this.transcript = new TranscriptStore((turn, transcript) => {
      publish();
      emit('transcript', { turn, transcript });
    });
    this.media = new SessionMedia({
      media,
      transport: this.transport,
      changed: publish,
      gesture: (needsGesture) => emit('gesture', { needsGesture }),
      stopped: () => {
        this.speaking.handleQuiet();
        publish();
      },
    });
    this.video = new SessionVideo({
      video: deps.video ?? null,
      transport: this.transport,
      changed: (source, reason) => emit('video', reason ? { source, reason } : { source }),
      failed: (error) => emit('error', { error, fatal: false }),
    });
    this.tools = new ToolManager(options.toolTimeoutMs ?? 30_000, options.tools);
    this.connector = createConnector(this.options, deps, {
      media: this.media,
      video: this.video,
      tools: this.tools,
      transcript: this.transcript,
      speaking: this.speaking,
      capabilities: this.transport.capabilities,
    });
    const connector = this.connector;
    this.outbox = new Outbox((responses) => connector.send((c) => c.sendToolResponses(responses)));
    this.inbound = new InboundHandler({
      emit,
      publish,
      batch: (fn) => this.store.batch(fn),
      connector,
      link: this.link,
      speaking: this.speaking,
      transcript: this.transcript,
      tools: this.tools,
      usage: this.usage,
      metrics: this.metrics,
      media: this.media,
      stats: this.stats,
      agents: this.agents,
    });
    this.activity = new PushToTalk({
      send: (send) => connector.send(send),
      supported: this.capabilities.pushToTalk,
      speaking: this.speaking,
      metrics: this.metrics,
      publish,
      isPushToTalk: () => pushToTalkEnabled(this.options),
      requireConnected: () => this.requireConnected(),
    });
    // Wire: subscribe to the managers' and the transport's events, now that all exist.
    this.cleanups.push(
      ...wireSession({
        emitter: this.emitter,
        transport: this.transport,
        media,
        tools: this.tools,
        connector,
        outbox: this.outbox,
        inbound: this.inbound,
        publish,
      }),
    );
  }

  /** The one place the snapshot is written: every manager's slice, merged. */
  private publish(): void {
    this.store.update({
      ...this.link.slice,
      ...this.speaking.slice,
      ...this.media.slice,
      transcript: this.transcript.turns,
      pendingToolCalls: this.tools.pendingCalls,
      usage: this.usage.total,
      metrics: this.metrics.current,
      ...this.agents.slice,
    });
  }

  /** What the transport can do: faces hide what it cannot (no push-to-talk, no client tools…). */
  get capabilities(): TransportCapabilities {
    return this.transport.capabilities;
  }

  /** Current lifecycle status. */
  get status(): LiveAgentStatus {
    return this.connector.status;
  }

  /** Opens media and the connection; resolves when connected, rejects with a LiveAgentError. */
  connect(): Promise<void> {
    if (this.disposed)
      return Promise.reject(new LiveAgentError('aborted', 'The session was disposed'));
    if (this.status !== 'connected' && this.status !== 'connecting') this.outbox.clear();
    const handle = this.options.config?.sessionResumption?.handle;
    return this.connector.connect(handle);
  }

  /** Closes the connection and media; status `closed`. connect() may be called again. */
  async disconnect(): Promise<void> {
    this.tools.abortAll('disconnected');
    this.outbox.clear();
    await this.connector.disconnect();
  }

  /** Sends a complete user text turn and adds it to the transcript. */
  sendText(text: string): void {
    this.requireConnected();
    this.store.batch(() => {
      this.connector.send((c) => c.sendText(text, false));
      this.transcript.addUserText(text);
    });
  }

  /** Sends text interleaved with live audio (like speech; not added to the transcript). */
  sendRealtimeText(text: string): void {
    this.requireConnected();
    this.connector.send((c) => c.sendText(text, true));
  }

  /** Answers calls of tools without a handler. Each response needs its call's `id`. */
  sendToolResponse(responses: FunctionResponse[]): void {
    if (!this.capabilities.tools)
      throw new LiveAgentError('unsupported', 'This transport runs tools on the server');
    if (this.status !== 'connected' && this.status !== 'reconnecting') this.requireConnected();
    this.tools.handleManualResponses(responses);
  }

  /** Mic on/off. Off: the transport stops streaming and ends the audio stream once. */
  setMicEnabled(enabled: boolean): void {
    this.media.setMicEnabled(enabled);
  }

  /** Push-to-talk: the user starts speaking (`capabilities.pushToTalk`). */
  startActivity(): void {
    this.activity.start();
  }

  /** Push-to-talk: the user stopped speaking. */
  endActivity(): void {
    this.activity.end();
  }

  /** Resumes audio output; call from a user gesture (autoplay policy). */
  async resumeAudio(): Promise<void> {
    await this.media.resume();
  }

  /** Input/output levels from the media graph (zeros without media). */
  getLevels(): MediaLevels {
    return this.media.getLevels();
  }

  /** Where model audio playback is: the reply being heard and how much of it played. */
  getPlayback(): PlaybackPosition {
    return this.media.getPlayback();
  }

  /** Moves capture to another microphone (undefined: the default); emits `device`. */
  setInputDevice(deviceId: string | undefined): Promise<void> {
    return this.media.setInputDevice(deviceId);
  }

  /** Switches the speaker where the browser can; resolves false where it cannot. */
  setOutputDevice(deviceId: string): Promise<boolean> {
    return this.media.setOutputDevice(deviceId);
  }

  /**
   * Sends camera or screen frames (JPEG, ≤ 1 fps, unchanged frames skipped), or switches to
   * another source without a reconnect; emits `video`. Rejects with a MediaError (`video-denied`,
   * `no-device`, `unsupported`); audio is unaffected.
   */
  startVideo(source: VideoSource, options?: VideoOptions): Promise<void> {
    if (this.disposed)
      return Promise.reject(new LiveAgentError('aborted', 'The session was disposed'));
    return this.video.start(source, options);
  }

  /** Stops sending video and releases the camera or screen; emits `video`. */
  stopVideo(): void {
    this.video.stop();
  }

  /** The video source being sent, or null. */
  get videoSource(): VideoSource | null {
    return this.video.source;
  }

  /** Output volume, 0..1. */
  setVolume(volume: number): void {
    this.media.setVolume(volume);
  }

  /** Replaces the tools; declarations apply from the next (re)connect. */
  setTools(tools: ToolDefinition[]): void {
    this.tools.setTools(tools);
  }

  /** Counters that change too often for the snapshot (messages, audio chunks and bytes). */
  getStats(): Readonly<SessionStats> {
    return { ...this.stats, bufferedMs: this.metrics.bufferedMs };
  }

  /** The current immutable snapshot (bound: pass it to useSyncExternalStore as is). */
  readonly getSnapshot = (): LiveAgentSnapshot => this.store.get();

  /** Calls `listener` after each snapshot change; returns the unsubscribe function (bound). */
  readonly subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  /** Adds an event listener; returns a function that removes it. */
  on<K extends keyof LiveAgentEventMap>(
    type: K,
    listener: (event: LiveAgentEventMap[K]) => void,
  ): () => void {
    return this.emitter.on(type, listener);
  }

  /** Removes an event listener. */
  off<K extends keyof LiveAgentEventMap>(
    type: K,
    listener: (event: LiveAgentEventMap[K]) => void,
  ): void {
    this.emitter.off(type, listener);
  }

  /** Disconnects, frees the transport and drops every listener. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.disconnect().finally(() => {
      this.video.dispose();
      this.transport.dispose();
      for (const cleanup of this.cleanups.splice(0)) cleanup();
      this.emitter.clear();
      this.store.clear();
    });
  }

  private requireConnected(): void {
    if (this.status !== 'connected')
      throw new LiveAgentError('not-connected', `Not connected (status: ${this.status})`);
  }
}

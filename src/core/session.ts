/**
 * LiveAgentSession: the framework-free heart of the SDK. It wires the managers (token, connector,
 * tools, transcript, usage, metrics) to a LiveTransport and an optional LiveMedia, and exposes an
 * immutable snapshot plus one typed event map. Handlers run here; audio never passes through.
 */
import { LiveAgentError } from './errors.ts';
import { TypedEmitter, type LiveAgentEventMap } from './events.ts';
import { Connector } from './connector.ts';
import { InboundHandler } from './inbound.ts';
import { ReconnectPolicy } from './reconnect.ts';
import { SnapshotStore } from './snapshot.ts';
import { TokenProvider } from './token.ts';
import { ToolManager } from './tools.ts';
import { TranscriptStore } from './transcript.ts';
import { UsageTracker } from './usage.ts';
import { MetricsTracker } from './metrics.ts';
import { PushToTalk } from './activity.ts';
import { Outbox } from './outbox.ts';
import { SessionMedia } from './session-media.ts';
import {
  buildOpenParams,
  initialSnapshot,
  pushToTalkEnabled,
  type SessionStats,
} from './session-support.ts';
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
  fetch?: typeof fetch;
}

/** A voice/text session with a Gemini Live agent. See LiveAgentOptions and LiveAgentEventMap. */
export class LiveAgentSession {
  private readonly options: LiveAgentOptions;
  private readonly transport: LiveTransport;
  private readonly media: SessionMedia;
  private readonly emitter = new TypedEmitter<LiveAgentEventMap>();
  private readonly store: SnapshotStore;
  private readonly connector: Connector;
  private readonly tools: ToolManager;
  private readonly transcript: TranscriptStore;
  private readonly usage = new UsageTracker();
  private readonly metrics = new MetricsTracker();
  private readonly cleanups: (() => void)[] = [];
  private readonly stats: SessionStats = {
    messages: 0,
    audioChunks: 0,
    audioBytes: 0,
    bufferedMs: 0,
  };
  /** Tool responses produced while no connection is up; sent once one is. */
  private readonly outbox = new Outbox<FunctionResponse[]>((responses) =>
    this.connector.send((c) => c.sendToolResponses(responses)),
  );
  private readonly inbound: InboundHandler;
  private readonly activity: PushToTalk;
  private disposed = false;

  constructor(options: LiveAgentOptions, deps: LiveAgentDeps) {
    if (options?.token === undefined || options.token === null || options.token === '')
      throw new LiveAgentError('token-invalid', 'LiveAgentSession needs a `token` option');
    this.options = { ...options };
    this.transport = deps.transport;
    const media = deps.media ?? null;
    this.store = new SnapshotStore(initialSnapshot(media?.needsGesture ?? false));
    this.media = new SessionMedia({
      media,
      transport: this.transport,
      store: this.store,
      setNeedsGesture: (needsGesture) => this.inbound.setNeedsGesture(needsGesture),
    });
    this.tools = new ToolManager(
      {
        send: (responses) => this.outbox.deliver(responses),
        toolcall: (call) => this.emitter.emit('toolcall', { call }),
        toolresult: (call, response) => this.emitter.emit('toolresult', { call, response }),
        toolcancel: (ids) => this.emitter.emit('toolcancel', { ids }),
        failed: (_call, error) => this.emitter.emit('error', { error, fatal: false }),
        pendingChanged: (pendingToolCalls) => {
          this.store.update({ pendingToolCalls });
          if (pendingToolCalls.length === 0) this.connector.handleIdle();
        },
      },
      options.toolTimeoutMs ?? 30_000,
      options.tools,
    );
    this.transcript = new TranscriptStore((turn, transcript) =>
      this.inbound.handleTranscript(turn, transcript),
    );
    this.connector = new Connector({
      transport: this.transport,
      token: new TokenProvider(options.token, {
        allowApiKey: options.allowApiKey,
        fetch: deps.fetch,
      }),
      policy: new ReconnectPolicy(options.reconnect),
      openParams: (credential, handle) =>
        buildOpenParams(
          this.options,
          credential,
          handle,
          this.capabilities.tools ? this.tools.declarations() : [],
        ),
      startMedia: () => this.media.start(),
      shutdown: async () => {
        await this.media.stop();
        this.transport.release?.();
      },
      onFrame: (frame, meta) => this.inbound.handleFrame(frame, meta),
      onMalformed: (error) => this.emitter.emit('error', { error, fatal: false }),
      onStatus: (status, previous, error) => {
        if (status === 'closed' || status === 'error') this.outbox.clear();
        this.inbound.handleStatus(status, previous, error);
      },
      onSetupComplete: (setup) => this.inbound.handleSetupComplete(setup),
      onReconnecting: (attempt, delayMs, cause) =>
        this.inbound.handleReconnecting(attempt, delayMs, cause),
      onResumed: (handoff, gapMs) => {
        this.outbox.flush();
        this.inbound.handleResumed(handoff, gapMs);
      },
      onError: (error) => this.emitter.emit('error', { error, fatal: false }),
      isBusy: () => {
        const snapshot = this.store.get();
        return (
          this.transcript.modelTurnOpen ||
          snapshot.agentSpeaking ||
          snapshot.pendingToolCalls.length > 0
        );
      },
      limits: () => ({
        // The session sends no video itself yet; a video source will report it here.
        video: false,
        compressed: this.options.config?.contextWindowCompression?.slidingWindow != null,
      }),
      now: () => Date.now(),
    });
    this.inbound = new InboundHandler({
      store: this.store,
      emit: (type, event) => this.emitter.emit(type, event),
      connector: this.connector,
      transcript: this.transcript,
      tools: this.tools,
      usage: this.usage,
      metrics: this.metrics,
      playback: this.media.turns,
      stats: this.stats,
    });
    this.activity = new PushToTalk({
      send: (send) => this.connector.send(send),
      supported: this.capabilities.pushToTalk,
      store: this.store,
      metrics: this.metrics,
      isPushToTalk: () => pushToTalkEnabled(this.options),
      requireConnected: () => this.requireConnected(),
    });
    const off = this.transport.onEvent?.((event) => this.inbound.handleTransportEvent(event));
    if (off) this.cleanups.push(off);
    if (media) this.cleanups.push(media.on((event) => this.inbound.handleMediaEvent(event)));
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

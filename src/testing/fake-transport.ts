/**
 * FakeTransport: an in-memory LiveTransport for tests (ours and app developers'). It records every
 * open() and every client frame per connection, and lets a test play the server: serverSend(),
 * close(code, reason), malformed frames, setup delays and open failures. It speaks Gemini Live
 * through the real codec: the session's intents are recorded as the frames the socket would carry,
 * and played server frames are decoded exactly as the worker decodes them.
 */
import { ConnectionError, ProtocolError, serializeError } from '../core/errors.ts';
import type { MediaPorts } from '../core/media.ts';
import type { VideoPorts } from '../core/video.ts';
import {
  intentMethods,
  type CloseInfo,
  type ConnectionHandlers,
  type InboundEvent,
  type LiveConnection,
  type LiveTransport,
  type MessageMeta,
  type OpenParams,
  type TransportCapabilities,
  type TransportEvent,
} from '../core/transport.ts';
import type { ClientMessage, ServerMessage } from '../core/wire.ts';
import { decodeServerMessage, encodeIntent, GEMINI_CAPABILITIES } from '../transport/codec.ts';

/** One fake connection: what the client sent, whether it was activated, how it closed. */
export class FakeConnection implements LiveConnection {
  /** Every client frame sent on this connection, in order. */
  readonly sent: ClientMessage[] = [];
  /** True after activate() (the session routes media here). */
  activated = false;
  /** Global order of activate()/close() calls across connections, for hand-off assertions. */
  activatedSeq: number | null = null;
  closedSeq: number | null = null;
  /** Set when the connection closed: who closed it, with which code and reason. */
  closed: (CloseInfo & { by: 'client' | 'server' }) | null = null;
  readonly sendAudio;
  readonly sendText;
  readonly sendToolResponses;
  readonly activityStart;
  readonly activityEnd;
  readonly audioStreamEnd;
  readonly sendVideoFrame;

  constructor(
    readonly id: number,
    readonly params: OpenParams,
    readonly setupComplete: Record<string, unknown>,
    private readonly handlers: ConnectionHandlers,
    private readonly seq: () => number,
  ) {
    ({
      sendAudio: this.sendAudio,
      sendText: this.sendText,
      sendToolResponses: this.sendToolResponses,
      activityStart: this.activityStart,
      activityEnd: this.activityEnd,
      audioStreamEnd: this.audioStreamEnd,
      sendVideoFrame: this.sendVideoFrame,
    } = intentMethods((intent) => {
      if (this.closed) throw new Error(`FakeConnection ${this.id}: send after close`);
      this.sent.push(structuredClone(encodeIntent(intent)));
    }));
  }

  activate(): void {
    this.activated = true;
    this.activatedSeq = this.seq();
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = { code, reason, by: 'client' };
    this.closedSeq = this.seq();
    // Real sockets report the close asynchronously, also for client-initiated closes.
    queueMicrotask(() => this.handlers.close({ code, reason }));
  }

  /** Plays one server frame (after setupComplete). `meta` defaults to counted audio bytes. */
  serverSend(message: ServerMessage, meta?: Partial<MessageMeta>): void {
    if (this.closed) throw new Error(`FakeConnection ${this.id}: serverSend() after close`);
    const raw = structuredClone(message);
    this.handlers.message(
      { raw, events: decodeServerMessage(raw) },
      {
        ...meta,
        audioBytes: meta?.audioBytes ?? audioBytesOf(message),
        receivedAt: meta?.receivedAt ?? Date.now(),
      },
    );
  }

  /**
   * Plays already-decoded events, for what a Gemini frame cannot say (an agent server's `agent`,
   * `serverToolCall`, `serverToolResult`); `raw` is what the `message` event carries.
   */
  serverSendEvents(events: InboundEvent[], raw: ServerMessage = {}): void {
    if (this.closed) throw new Error(`FakeConnection ${this.id}: serverSendEvents() after close`);
    this.handlers.message({ raw, events }, { audioBytes: 0, receivedAt: Date.now() });
  }

  /** Plays a frame that could not be parsed (the transport reports it, the socket stays up). */
  serverSendMalformed(detail = 'invalid JSON'): void {
    this.handlers.malformed(serializeError(ProtocolError.malformed(detail)));
  }

  /** The server closes the socket. */
  serverClose(code: number, reason = ''): void {
    if (this.closed) return;
    this.closed = { code, reason, by: 'server' };
    this.closedSeq = this.seq();
    this.handlers.close({ code, reason });
  }

  /** Sent frames that have `key` at top level (e.g. `'toolResponse'`). */
  sentOf<K extends string>(key: K): ClientMessage[] {
    return this.sent.filter((m) => key in m);
  }
}

interface PendingOpen {
  params: OpenParams;
  handlers: ConnectionHandlers;
  resolve(conn: FakeConnection): void;
  reject(error: unknown): void;
}

/** An in-memory LiveTransport that records everything and lets tests play the server. */
export class FakeTransport implements LiveTransport {
  /** What the fake claims to support (Gemini Live's flags); set another to test faces. */
  capabilities: TransportCapabilities = GEMINI_CAPABILITIES;
  /** Params of every open() call, including failed ones. */
  readonly opens: OpenParams[] = [];
  /** Every connection that completed setup. */
  readonly connections: FakeConnection[] = [];
  /** Ports passed to attachMedia(). */
  readonly attached: MediaPorts[] = [];
  /** Video runs passed to attachVideo(). */
  readonly videoRuns: VideoPorts[] = [];
  /** Values passed to setMicEnabled(). */
  readonly micCalls: boolean[] = [];
  /**
   * `false` (default): open() completes setup on the next microtask. `true`: it waits for
   * completeSetup(). A number: it completes after that many ms. Without setup within
   * `connectTimeoutMs`, open() rejects with ConnectionError.timeout like the real transport.
   */
  delaySetup: boolean | number = false;
  /** The setupComplete payload of the next connections (Vertex sends `{sessionId}`). */
  setupCompletePayload: Record<string, unknown> = {};
  disposed = false;
  /** Number of release() calls (the session releases the transport when it closes or fails). */
  releases = 0;
  private readonly failures: unknown[] = [];
  private readonly pending: PendingOpen[] = [];
  private readonly listeners = new Set<(event: TransportEvent) => void>();
  private counter = 0;
  private sequence = 0;

  /** The newest connection (throws when there is none, so tests fail clearly). */
  get lastConnection(): FakeConnection {
    const last = this.connections[this.connections.length - 1];
    if (!last) throw new Error('FakeTransport: no connection yet');
    return last;
  }

  /** Every client frame over all connections, in order. */
  get sent(): ClientMessage[] {
    return this.connections.flatMap((c) => c.sent);
  }

  /** Number of open() calls still waiting for completeSetup(). */
  get pendingOpens(): number {
    return this.pending.length;
  }

  /** The next open() rejects with `error` (queue several for several attempts). */
  failNextOpen(error: unknown): void {
    this.failures.push(error);
  }

  open(params: OpenParams, handlers: ConnectionHandlers): Promise<FakeConnection> {
    this.opens.push(structuredClone(params));
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise<FakeConnection>((resolve, reject) => {
      const entry: PendingOpen = { params, handlers, resolve, reject };
      const timer = setTimeout(() => {
        this.drop(entry);
        reject(ConnectionError.timeout(params.connectTimeoutMs));
      }, params.connectTimeoutMs);
      entry.resolve = (conn) => {
        clearTimeout(timer);
        resolve(conn);
      };
      this.pending.push(entry);
      if (this.delaySetup === false) queueMicrotask(() => this.finish(entry));
      else if (typeof this.delaySetup === 'number')
        setTimeout(() => this.finish(entry), this.delaySetup);
    });
  }

  /** Completes setup of the oldest pending open() (with `payload` as setupComplete). */
  completeSetup(
    payload: Record<string, unknown> = this.setupCompletePayload,
  ): FakeConnection | null {
    const entry = this.pending[0];
    return entry ? this.finish(entry, payload) : null;
  }

  private finish(entry: PendingOpen, payload = this.setupCompletePayload): FakeConnection | null {
    if (!this.pending.includes(entry)) return null;
    this.drop(entry);
    const conn = new FakeConnection(
      ++this.counter,
      entry.params,
      payload,
      entry.handlers,
      () => ++this.sequence,
    );
    this.connections.push(conn);
    entry.resolve(conn);
    return conn;
  }

  /** Plays a server frame on the newest connection. */
  serverSend(message: ServerMessage, meta?: Partial<MessageMeta>): void {
    this.lastConnection.serverSend(message, meta);
  }

  /** Plays decoded events on the newest connection (see FakeConnection.serverSendEvents). */
  serverSendEvents(events: InboundEvent[], raw?: ServerMessage): void {
    this.lastConnection.serverSendEvents(events, raw);
  }

  /** The server closes the newest connection. */
  close(code: number, reason = ''): void {
    this.lastConnection.serverClose(code, reason);
  }

  /** Emits a media-side transport event (metrics, playback stats, errors). */
  emitEvent(event: TransportEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  attachMedia(ports: MediaPorts): Promise<void> {
    this.attached.push(ports);
    return Promise.resolve();
  }

  attachVideo(video: VideoPorts): Promise<void> {
    this.videoRuns.push(video);
    return Promise.resolve();
  }

  setMicEnabled(enabled: boolean): void {
    this.micCalls.push(enabled);
  }

  onEvent(listener: (event: TransportEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  release(): void {
    this.releases++;
  }

  dispose(): void {
    this.disposed = true;
    for (const conn of this.connections) conn.close(1000, 'dispose');
  }

  private drop(entry: PendingOpen): void {
    const i = this.pending.indexOf(entry);
    if (i >= 0) this.pending.splice(i, 1);
  }
}

/** Decoded size of the audio parts of a message (what a real transport reports). */
export function audioBytesOf(message: ServerMessage): number {
  let bytes = 0;
  for (const part of message.serverContent?.modelTurn?.parts ?? []) {
    const data = part?.inlineData?.data;
    if (typeof data === 'string' && part.inlineData?.mimeType?.startsWith('audio/'))
      bytes +=
        Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
  }
  return bytes;
}

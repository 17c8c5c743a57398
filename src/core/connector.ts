/**
 * Connection lifecycle: first connect, reconnect after drops (backoff, fresh token, resumption
 * handle), proactive hand-off after goAway, and disconnect. Owns the status and reports through
 * typed events, which the session routes into snapshot changes and its own events (the status
 * and who waits on it: connector-status.ts). Every async step checks an epoch so a disconnect()
 * or a newer attempt makes late results harmless (no late status flips, late sockets closed).
 */
import {
  LiveAgentError,
  reviveError,
  type ConnectionError,
  type SerializedError,
} from './errors.ts';
import { ConnectorStatus, type StatusChange } from './connector-status.ts';
import { TypedEmitter } from './events.ts';
import { Interruptible, sleep, whenAborted } from './async.ts';
import type { Slot } from './slot.ts';
import { Slots } from './slots.ts';
import {
  classifyClose,
  contextLost,
  refusedHandle,
  toLiveAgentError,
  type ReconnectPolicy,
  type SessionAge,
} from './reconnect.ts';
import type { TokenProvider } from './token.ts';
import type {
  CloseInfo,
  ConnectionHandlers,
  Credential,
  InboundFrame,
  LiveConnection,
  LiveTransport,
  MessageMeta,
  OpenParams,
} from './transport.ts';
import type { LiveAgentStatus } from './types.ts';

/** A hand-off waiting for the model to finish switches at the latest this long before the cut. */
const SWITCH_MARGIN_MS = 1000;

/** What the connector reports. */
export interface ConnectorEvents {
  /** An inbound frame of the current connection, in order. */
  frame: { frame: InboundFrame; meta: MessageMeta };
  malformed: LiveAgentError;
  /** Status changed; `error` is set when the new status is `error`. */
  status: StatusChange;
  /** The first connection is ready (its handshake payload). */
  setupcomplete: Record<string, unknown>;
  reconnecting: { attempt: number; delayMs: number; cause: LiveAgentError };
  resumed: { handoff: boolean; gapMs: number };
  /** The server refused the resumption handle; a fresh session (no history) took over. */
  contextlost: ConnectionError;
  /** A non-fatal failure (e.g. a hand-off attempt failed while the old connection still works). */
  error: LiveAgentError;
}

/** What the connector needs from the session (all of it exists before the connector). */
export interface ConnectorDeps {
  transport: LiveTransport;
  token: TokenProvider;
  policy: ReconnectPolicy;
  /** Builds the open parameters for one attempt (config and tools are read each time). */
  openParams(credential: Credential, resumeHandle: string | undefined): OpenParams;
  /** Starts media and attaches it to the transport (no-op without media). */
  startMedia(): Promise<void>;
  /** The session closed or failed: stop media and free the transport's worker. */
  shutdown(): Promise<void>;
  /** True while switching connections would cut the model off (speaking, tool calls pending). */
  isBusy(): boolean;
  /** What the session's server-side limit depends on (video sent, context compression). */
  limits(): Omit<SessionAge, 'elapsedMs'>;
  now(): number;
}

/** Drives one session's connections. */
export class Connector {
  private epoch = 0;
  private controller = new AbortController();
  private readonly slots = new Slots();
  private handoff: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  private droppedAt = 0;
  /** When the server-side session began (resumed connections continue it). */
  private sessionStartedAt = 0;
  private readonly quiet = new Interruptible();
  /** Typed output; the session subscribes once everything is built. */
  readonly events = new TypedEmitter<ConnectorEvents>();
  private readonly lifecycle = new ConnectorStatus((change) => this.events.emit('status', change));
  /** A refused handle not reported yet: the next connection to take over is a fresh session. */
  private refusal: ConnectionError | null = null;
  /** Last resumable handle the server handed out. */
  resumeHandle: string | undefined;

  constructor(private readonly deps: ConnectorDeps) {}

  /** Current lifecycle status. */
  get status(): LiveAgentStatus {
    return this.lifecycle.current;
  }

  /** The active connection, if any. */
  get connection(): LiveConnection | null {
    return this.slots.connection;
  }

  /**
   * Connects (first connect fails fast: no retries). Concurrent calls share one attempt; during
   * a reconnect it waits for that to end instead of starting a new session.
   */
  connect(initialHandle?: string): Promise<void> {
    if (this.status === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (this.status === 'reconnecting') return this.lifecycle.outcome();
    const attempt = this.firstConnect(initialHandle).finally(() => {
      if (this.connecting === attempt) this.connecting = null;
    });
    this.connecting = attempt;
    return attempt;
  }

  /** Calls `send` with the active connection; false when there is none. */
  send(send: (connection: LiveConnection) => void): boolean {
    const conn = this.status === 'connected' ? this.connection : null;
    if (!conn) return false;
    send(conn);
    return true;
  }

  /** Keeps the latest resumable handle for the next reconnect or hand-off. */
  handleResumptionUpdate(handle: string): void {
    this.resumeHandle = handle;
  }

  /**
   * goAway: open the successor now; switch once it is ready and the model is not mid-reply (or
   * shortly before the cut), then close the old connection.
   */
  handleGoAway(timeLeftMs: number): void {
    if (!this.deps.policy.enabled || this.status !== 'connected' || this.handoff) return;
    const epoch = this.epoch;
    const switchBy = this.deps.now() + timeLeftMs - SWITCH_MARGIN_MS;
    const run = this.runHandoff(epoch, switchBy).finally(() => {
      if (this.handoff === run) this.handoff = null;
    });
    this.handoff = run;
  }

  /** The model finished or was interrupted: a hand-off waiting for a quiet moment may switch. */
  handleIdle(): void {
    if (!this.deps.isBusy()) this.quiet.interrupt();
  }

  /** Cancels everything in flight, closes connections, stops media; status `closed`. */
  async disconnect(): Promise<void> {
    this.begin();
    this.slots.retireAll('client disconnect');
    this.handoff = null;
    // A connect() right after this must start afresh, not join the cancelled attempt.
    this.connecting = null;
    this.resumeHandle = undefined;
    this.refusal = null;
    this.lifecycle.set('closed');
    await this.deps.shutdown();
  }

  private async firstConnect(initialHandle: string | undefined): Promise<void> {
    const epoch = this.begin();
    this.resumeHandle = initialHandle;
    this.refusal = null;
    this.lifecycle.set('connecting');
    const media = this.deps.startMedia();
    const opening = this.openOrFresh(epoch, initialHandle);
    const signal = this.controller.signal;
    const settled = await Promise.race([
      Promise.allSettled([media, opening]),
      whenAborted(signal).then(() => null),
    ]);
    if (!settled || epoch !== this.epoch) {
      if (settled?.[1].status === 'fulfilled') settled[1].value.retire('cancelled');
      throw new LiveAgentError('aborted', 'connect() was cancelled by disconnect()');
    }
    const [m, o] = settled;
    const failure = m.status === 'rejected' ? m.reason : o.status === 'rejected' ? o.reason : null;
    if (failure !== null || o.status !== 'fulfilled') {
      if (o.status === 'fulfilled') o.value.retire('setup failed');
      const error = toLiveAgentError(failure);
      this.fail(error);
      throw error;
    }
    this.slots.makeCurrent(o.value);
    this.sessionStartedAt = this.deps.now();
    this.lifecycle.set('connected');
    this.events.emit('setupcomplete', o.value.conn?.setupComplete ?? {});
    this.reportRefusal();
    o.value.flush();
  }

  private async reconnect(cause: LiveAgentError): Promise<void> {
    const epoch = this.begin();
    this.lifecycle.set('reconnecting');
    let last = cause;
    for (let attempt = 1; ; attempt++) {
      if (!this.deps.policy.shouldRetry(last, attempt)) return this.fail(last);
      const delayMs = this.deps.policy.delayFor(attempt);
      this.events.emit('reconnecting', { attempt, delayMs, cause: last });
      if (!(await sleep(delayMs, this.controller.signal)) || epoch !== this.epoch) return;
      try {
        const handle = this.resumeHandle;
        const slot = await this.openOrFresh(epoch, handle);
        if (epoch !== this.epoch) return slot.retire('cancelled');
        this.slots.makeCurrent(slot);
        // Without a handle the server started a new session: its limit counts afresh.
        if (handle === undefined) this.sessionStartedAt = this.deps.now();
        this.lifecycle.set('connected');
        this.reportRefusal();
        this.events.emit('resumed', { handoff: false, gapMs: this.deps.now() - this.droppedAt });
        slot.flush();
        return;
      } catch (error) {
        if (epoch !== this.epoch) return;
        last = toLiveAgentError(error);
      }
    }
  }

  private async runHandoff(epoch: number, switchBy: number): Promise<void> {
    try {
      const slot = await this.openOrFresh(epoch, this.resumeHandle);
      if (this.status === 'connected' && this.deps.isBusy())
        await this.quiet.wait(switchBy - this.deps.now());
      if (epoch !== this.epoch) return slot.retire('cancelled');
      // The successor may have been closed by the server while it waited for a quiet moment.
      if (slot.closed) throw classifyClose(slot.closed);
      const wasDown = this.status === 'reconnecting';
      this.slots.makeCurrent(slot);
      if (wasDown) this.lifecycle.set('connected');
      this.reportRefusal();
      const gapMs = wasDown ? this.deps.now() - this.droppedAt : 0;
      this.events.emit('resumed', { handoff: true, gapMs });
      slot.flush();
    } catch (error) {
      if (epoch !== this.epoch) return;
      const err = toLiveAgentError(error);
      this.handoff = null;
      // The old connection died while we were opening its successor: recover the usual way.
      if (this.status === 'reconnecting') this.afterDrop(err);
      else this.events.emit('error', err);
    }
  }

  /** open() with the handle; if the server refuses it, once more without (a fresh session). */
  private async openOrFresh(epoch: number, handle: string | undefined): Promise<Slot> {
    try {
      return await this.open(epoch, handle);
    } catch (error) {
      const err = toLiveAgentError(error);
      if (handle === undefined || epoch !== this.epoch || !refusedHandle(err)) throw err;
      if (this.resumeHandle === handle) this.resumeHandle = undefined;
      this.refusal = err;
      return this.open(epoch, undefined);
    }
  }

  /** A connection took over: report a refused handle (that session's limit counts afresh). */
  private reportRefusal(): void {
    const refusal = this.refusal;
    if (!refusal) return;
    this.refusal = null;
    this.sessionStartedAt = this.deps.now();
    this.events.emit('contextlost', contextLost(refusal));
  }

  /** Token, then transport.open; the slot buffers frames until it becomes current. */
  private async open(epoch: number, handle: string | undefined): Promise<Slot> {
    const credential = await this.deps.token.get(this.controller.signal);
    if (epoch !== this.epoch) throw new LiveAgentError('aborted', 'Connection attempt cancelled');
    const params = this.deps.openParams(credential, handle);
    return this.slots.open(this.deps.transport, params, (slot) => this.handlers(slot));
  }

  private handlers(slot: Slot): ConnectionHandlers {
    return {
      message: (frame, meta) => slot.route(() => this.events.emit('frame', { frame, meta })),
      malformed: (error: SerializedError) =>
        slot.route(() => this.events.emit('malformed', reviveError(error))),
      close: (info) => this.handleClose(slot, info),
    };
  }

  private handleClose(slot: Slot, info: CloseInfo): void {
    if (slot.state === 'retired') return;
    if (slot.state === 'opening') {
      slot.closed = info;
      return;
    }
    this.slots.dropCurrent(slot);
    this.droppedAt = this.deps.now();
    const elapsedMs = this.droppedAt - this.sessionStartedAt;
    const cause = classifyClose(info, { elapsedMs, ...this.deps.limits() });
    this.quiet.interrupt();
    // A hand-off already opening the successor finishes the job (or falls back to reconnect).
    if (this.handoff) return this.lifecycle.set('reconnecting');
    this.afterDrop(cause);
  }

  private afterDrop(cause: LiveAgentError): void {
    if (!cause.retryable || !this.deps.policy.enabled) return this.fail(cause);
    void this.reconnect(cause);
  }

  private fail(error: LiveAgentError): void {
    this.begin();
    this.slots.retireAll('error');
    this.lifecycle.set('error', error);
    void this.deps.shutdown();
  }

  /** Starts a new epoch: aborts token fetches and sleeps of the previous one. */
  private begin(): number {
    this.quiet.interrupt();
    this.controller.abort();
    this.controller = new AbortController();
    return ++this.epoch;
  }
}

/**
 * The one event map of the SDK. The element re-dispatches every key as a DOM event
 * `live-agent-<key>`; adapters derive from it too. Keys are lowercase without dashes.
 */
import type { LiveAgentError } from './errors.ts';
import type {
  DeviceChange,
  LiveAgentStatus,
  ServerToolCall,
  TranscriptTurn,
  TurnMetrics,
  UsageTotals,
} from './types.ts';
import type { VideoStopReason } from './session-video.ts';
import type { VideoSource } from './video.ts';
import type { FunctionCall, FunctionResponse, ServerMessage, UsageMetadata } from './wire.ts';

/** Every event a session emits, with its payload. */
export interface LiveAgentEventMap {
  /** The lifecycle status changed. */
  status: { status: LiveAgentStatus; previous: LiveAgentStatus };
  /** A transcript turn was added or updated (`transcript` is the whole list after the change). */
  transcript: { turn: TranscriptTurn; transcript: readonly TranscriptTurn[] };
  /** The model called a function (handled or left to the app). */
  toolcall: { call: FunctionCall };
  /** A tool response was sent to the model. */
  toolresult: { call: FunctionCall; response: FunctionResponse };
  /** The server cancelled pending calls; their handlers' signals were aborted. */
  toolcancel: { ids: string[] };
  /** The model finished its turn. */
  turncomplete: { reason?: string };
  /** The user barged in; model audio was flushed. */
  interrupted: Record<string, never>;
  /** Token usage arrived (`total` summed over the session, `last` as received). */
  usage: { total: UsageTotals; last: UsageMetadata };
  /** The server will close this connection soon; a hand-off is under way. */
  goaway: { timeLeftMs: number };
  /** A dropped connection is being re-established. */
  reconnecting: { attempt: number; delayMs: number; cause: LiveAgentError };
  /** A new connection took over (`handoff` after goAway, else after a drop). */
  resumed: { handoff: boolean; gapMs: number };
  /** Something failed; `fatal` means the session ended in status `error`. */
  error: { error: LiveAgentError; fatal: boolean };
  /** Every server message, raw (audio data may have been stripped by the transport). */
  message: { message: ServerMessage };
  /** Latency figures of one reply or barge-in. */
  metrics: { turn: TurnMetrics };
  /** Audio output waits for (or no longer needs) a user gesture. */
  gesture: { needsGesture: boolean };
  /** The microphone or speaker changed: selected by the app, or a fallback after an unplug. */
  device: DeviceChange;
  /** The first connection completed setup (Vertex adds a sessionId). */
  setupcomplete: { sessionId?: string };
  /** Video started, switched source or stopped (`ended`: the user stopped sharing in the browser). */
  video: { source: VideoSource | null; reason?: VideoStopReason };
  /**
   * The link cannot keep up (`congested`: microphone audio is held back, video dropped) or has
   * recovered; given when it recovers: `droppedMs`, audio dropped meanwhile (oldest first), and
   * `heldMs`, the most audio held back at once (at most 1000 ms).
   */
  congestion: { congested: boolean; droppedMs: number; heldMs: number };
  /**
   * Another of the server's agents answers now (ADK: a transfer, or a new `author`); `from` is
   * null for the first agent named. Never emitted by the Gemini transport.
   */
  agent: { from: string | null; to: string };
  /** The agent server called one of its own tools (ADK): shown, never executed here. */
  servertoolcall: { call: ServerToolCall };
  /** A server-run tool's result arrived (`call.response`). */
  servertoolresult: { call: ServerToolCall };
}

/** Name of an event in {@link LiveAgentEventMap}. */
export type LiveAgentEventType = keyof LiveAgentEventMap;

/**
 * One entry per key of {@link LiveAgentEventMap}: the compiler rejects a missing or an extra key,
 * so the list below cannot drift from the interface.
 */
const EVENT_KEYS: { readonly [K in LiveAgentEventType]: true } = {
  status: true,
  transcript: true,
  toolcall: true,
  toolresult: true,
  toolcancel: true,
  turncomplete: true,
  interrupted: true,
  usage: true,
  goaway: true,
  reconnecting: true,
  resumed: true,
  error: true,
  message: true,
  metrics: true,
  gesture: true,
  device: true,
  setupcomplete: true,
  video: true,
  congestion: true,
  agent: true,
  servertoolcall: true,
  servertoolresult: true,
};

/** Every event key, for code that re-dispatches them all (the element). */
export const LIVE_AGENT_EVENT_TYPES: readonly LiveAgentEventType[] = Object.freeze(
  Object.keys(EVENT_KEYS) as LiveAgentEventType[],
);

type Listener<T> = (event: T) => void;

/** Function that emits one event of a map; what managers receive instead of the emitter. */
export type Emit<M> = <K extends keyof M>(type: K, event: M[K]) => void;

/**
 * A tiny typed emitter. A throwing listener must not break the session's state machine, so its
 * error is rethrown asynchronously (it still reaches window.onerror / the test runner).
 */
export class TypedEmitter<M> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  /** Removes a listener added with on(). */
  off<K extends keyof M>(type: K, listener: Listener<M[K]>): void {
    this.listeners.get(type)?.delete(listener as Listener<never>);
  }

  /** Calls every listener of `type` in registration order. */
  emit<K extends keyof M>(type: K, event: M[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M[K]>)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Number of listeners (all types, or one). */
  listenerCount(type?: keyof M): number {
    if (type !== undefined) return this.listeners.get(type)?.size ?? 0;
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /** Drops every listener (dispose). */
  clear(): void {
    this.listeners.clear();
  }
}

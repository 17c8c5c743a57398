/**
 * Public data types of the session: options, tools, transcript turns, usage, metrics and the
 * snapshot. Kept apart from the session class so managers and the event map can share them
 * without import cycles.
 */
import type { LiveAgentError } from './errors.ts';
import type { LiveConfig } from './transport.ts';
import type { FunctionResponseScheduling } from './wire.ts';

/** Where the ephemeral token comes from: a string, an async provider, or an endpoint to POST. */
export type TokenSource = string | (() => Promise<string>) | { url: string; init?: RequestInit };

/** Reconnect policy knobs (full-jitter exponential backoff). */
export interface ReconnectOptions {
  /** Attempts after a drop before giving up (default 5). */
  maxAttempts?: number;
  /** First backoff ceiling in ms (default 250). */
  baseDelayMs?: number;
  /** Largest backoff ceiling in ms (default 8000). */
  maxDelayMs?: number;
}

/** Options of {@link LiveAgentSession}. Only `token` is required. */
export interface LiveAgentOptions {
  /** String token (`auth_tokens/…`), async provider, or an endpoint POSTed before every (re)connect returning `{token}` or `{name}`. */
  token: TokenSource;
  /** Live service base URL; default `https://generativelanguage.googleapis.com`. */
  endpoint?: string;
  /** Model id; default `gemini-3.8-live`. */
  model?: string;
  /** @google/genai `LiveConnectConfig` shape. */
  config?: LiveConfig;
  /** Function tools; handlers run on the main thread. */
  tools?: ToolDefinition[];
  /** `push-to-talk` disables server VAD; use startActivity()/endActivity(). Default `vad`. */
  mode?: 'vad' | 'push-to-talk';
  /** `false` disables automatic reconnects and goAway hand-offs. */
  reconnect?: false | ReconnectOptions;
  /** Deadline for setupComplete, default 15000 ms. */
  connectTimeoutMs?: number;
  /** Default per-call tool deadline, default 30000 ms. */
  toolTimeoutMs?: number;
  /** Accept a long-lived API key as `token` (local development only; warns once). */
  allowApiKey?: boolean;
  /**
   * Sessions that can send video get sliding-window context compression when `config` sets no
   * `contextWindowCompression` (audio+video sessions otherwise end after about 2 minutes).
   * `false` opts out.
   */
  videoCompression?: boolean;
}

/** Context passed to a tool handler. `signal` aborts on cancellation, timeout and disconnect. */
export interface ToolContext {
  signal: AbortSignal;
  callId: string;
}

/** A function the model may call. Without `handler` the app answers via sendToolResponse(). */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: unknown;
  parametersJsonSchema?: unknown;
  behavior?: 'BLOCKING' | 'NON_BLOCKING';
  /** Added to NON_BLOCKING responses (default `WHEN_IDLE`). */
  scheduling?: FunctionResponseScheduling;
  /** Overrides `toolTimeoutMs` for this tool. */
  timeoutMs?: number;
  /** Return value → `{output: value}`; a throw → `{error: message}`. */
  handler?: (args: Record<string, unknown>, ctx: ToolContext) => unknown;
}

/** Lifecycle states of a session. */
export type LiveAgentStatus =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'error';

/** One transcript entry. Objects are frozen; an update replaces the turn with a new object. */
export interface TranscriptTurn {
  id: string;
  role: 'user' | 'model';
  /** Untrusted model/ASR text: render as text, never as HTML. */
  text: string;
  final: boolean;
  interrupted: boolean;
  startedAt: number;
  updatedAt: number;
}

/** Token counts summed over every `usageMetadata` the server sent. */
export interface UsageTotals {
  promptTokenCount: number;
  responseTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount: number;
  toolUsePromptTokenCount: number;
  thoughtsTokenCount: number;
  /** Per-modality sums of `promptTokensDetails` (e.g. `{TEXT: 515, AUDIO: 80}`). */
  promptByModality: Readonly<Record<string, number>>;
  /** Per-modality sums of `responseTokensDetails`. */
  responseByModality: Readonly<Record<string, number>>;
  /** How many usage reports were summed. */
  reports: number;
}

/**
 * Latency of one reply or one barge-in, from transport events. Times are epoch ms on the
 * `performance.timeOrigin + performance.now()` clock (stamped in the worker; the page's reads the
 * same). `turnId` is the transport's audio turn, as in {@link PlaybackPosition.audioTurnId}.
 */
export type TurnMetrics =
  | {
      kind: 'response';
      turnId: number;
      /** End of user speech (null when unknown, e.g. typed input). */
      speechEndAt: number | null;
      receivedAt: number;
      audibleAt: number;
      /** speech end → first model audio received */
      responseMs: number | null;
      /** speech end → first model audio audible */
      audibleMs: number | null;
    }
  | {
      kind: 'interrupt';
      turnId: number;
      interruptedAt: number;
      silentAt: number;
      silenceMs: number;
      /** How much of the interrupted reply the user heard (truncate its caption to this). */
      playedMs: number;
    };

/** Where model audio playback is (`session.getPlayback()`, fresh about 30 times a second). */
export interface PlaybackPosition {
  /** The model transcript turn being heard (or last heard); null when unknown (no captions). */
  turnId: string | null;
  /** The transport's audio turn playing or last played (as in TurnMetrics); 0 before any. */
  audioTurnId: number;
  /** How much of that turn has played, for caption sync. */
  playedMs: number;
  /** Audio queued and not yet played. */
  bufferedMs: number;
  /** True while that turn is audible (not pre-rolling, finished or interrupted). */
  playing: boolean;
}

/** A microphone or speaker change (`fallback`: the chosen device went away). */
export interface DeviceChange {
  kind: 'input' | 'output';
  /** The device now in use; null for the system default. */
  deviceId: string | null;
  reason: 'selected' | 'fallback';
}

/** Recent latency figures (medians over the last turns) and playback health. */
export interface LatencyMetrics {
  last: TurnMetrics | null;
  /** Median speech end → first audio received, over recent turns. */
  p50ResponseMs: number | null;
  /** Median speech end → first audio audible. */
  p50AudibleMs: number | null;
  /** Median interrupted → silent. */
  p50InterruptMs: number | null;
  underruns: number;
  lateChunks: number;
  /** Microphone audio dropped: pre-connect buffer overflow, or a link that could not keep up. */
  captureDroppedMs: number;
  /** True while the link cannot keep up (microphone audio held back, video dropped). */
  congested: boolean;
}

/**
 * A tool the agent server ran itself (ADK's server-side tools, transfers included): shown to the
 * user, never executed or answered by this client. Frozen; a result replaces the object.
 */
export interface ServerToolCall {
  /** The server's call id ('' when it sent none). */
  id: string;
  name: string;
  /** Untrusted server data: render as text, never as HTML. */
  args: Readonly<Record<string, unknown>>;
  /** The result once it arrived (untrusted, as `args`); absent while the tool runs. */
  response?: Readonly<Record<string, unknown>>;
  /** The server marked the call long-running: its result may come much later, or in another turn. */
  longRunning: boolean;
  /** The agent that called it (null when the server names none). */
  agent: string | null;
  /** Epoch ms when the call (or, without a call, its result) arrived. */
  calledAt: number;
  /** Epoch ms when the result arrived. */
  respondedAt?: number;
}

/** Immutable view of the session for UIs (`useSyncExternalStore`-compatible). */
export interface LiveAgentSnapshot {
  status: LiveAgentStatus;
  /** The error that ended the session (fatal), cleared by connect(). */
  error: LiveAgentError | null;
  transcript: readonly TranscriptTurn[];
  micEnabled: boolean;
  needsGesture: boolean;
  agentSpeaking: boolean;
  userSpeaking: boolean;
  usage: UsageTotals;
  /** Epoch ms when the server will cut the current connection (after goAway), else null. */
  goAwayAt: number | null;
  reconnectAttempt: number;
  /** True when a resumption handle is held (reconnects keep the conversation). */
  sessionResumable: boolean;
  metrics: LatencyMetrics;
  pendingToolCalls: readonly { id: string; name: string }[];
  /**
   * The agent answering, for transports whose server runs several (ADK: the `author` of its
   * events, changed by transfers); null until one is named and always for the Gemini transport.
   */
  agent: string | null;
  /** Tools the agent server ran, oldest first (the last 20; empty for the Gemini transport). */
  serverToolCalls: readonly ServerToolCall[];
}

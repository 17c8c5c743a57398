/**
 * Reconnect policy: which failures are worth a retry, and how long to wait (exponential backoff
 * with full jitter, so a fleet of tabs dropped together does not reconnect in lockstep).
 */
import { ConnectionError, LiveAgentError, SessionLimitError, reviveError } from './errors.ts';
import type { CloseInfo } from './transport.ts';
import type { ReconnectOptions } from './types.ts';

/** Defaults: 5 attempts, ceilings 250 ms doubling up to 8 s. */
export const RECONNECT_DEFAULTS: Required<ReconnectOptions> = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8000,
};

/** Decides retries and backoff delays. `random` is injectable for tests. */
export class ReconnectPolicy {
  readonly enabled: boolean;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;

  constructor(
    options: false | ReconnectOptions | undefined,
    private readonly random: () => number = Math.random,
  ) {
    this.enabled = options !== false;
    const o = options === false ? {} : (options ?? {});
    this.maxAttempts = Math.max(0, o.maxAttempts ?? RECONNECT_DEFAULTS.maxAttempts);
    this.baseDelayMs = Math.max(0, o.baseDelayMs ?? RECONNECT_DEFAULTS.baseDelayMs);
    this.maxDelayMs = Math.max(this.baseDelayMs, o.maxDelayMs ?? RECONNECT_DEFAULTS.maxDelayMs);
  }

  /** The ceiling for attempt n (1-based): min(max, base · 2^(n-1)). */
  ceilingFor(attempt: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  }

  /** Full jitter: a uniform delay in [0, ceiling). */
  delayFor(attempt: number): number {
    return Math.floor(this.random() * this.ceilingFor(attempt));
  }

  /** True when attempt n may run after `error`. */
  shouldRetry(error: LiveAgentError, attempt: number): boolean {
    return this.enabled && error.retryable && attempt <= this.maxAttempts;
  }
}

/**
 * The service's session limits without context window compression (docs/protocol.md): about
 * 15 minutes audio-only, about 2 minutes with video. Resuming does not extend them.
 */
export const SESSION_LIMIT_MS = Object.freeze({ audio: 15 * 60_000, video: 2 * 60_000 });
/** The limits are approximate: a close after this share of one is taken as that limit. */
const LIMIT_SHARE = 0.9;

/** How long the server-side session has run, and what its limit depends on. */
export interface SessionAge {
  elapsedMs: number;
  /** Video frames were sent (the shorter audio+video limit applies). */
  video: boolean;
  /** `contextWindowCompression.slidingWindow` is set: the session has no limit. */
  compressed: boolean;
}

/**
 * Maps a server close to a typed error: 1007/1008 fatal, 1011/1006/1001/others retryable. A
 * retryable close of a session that has reached its limit is a SessionLimitError instead: resuming
 * cannot continue it (the app may start a new session, losing the context).
 */
export function classifyClose(info: CloseInfo, age?: SessionAge): LiveAgentError {
  const error = info.error
    ? reviveError(info.error)
    : ConnectionError.fromClose(info.code, info.reason);
  if (!age || age.compressed || !error.retryable) return error;
  const limitMs = age.video ? SESSION_LIMIT_MS.video : SESSION_LIMIT_MS.audio;
  if (age.elapsedMs < limitMs * LIMIT_SHARE) return error;
  const which = age.video ? 'audio+video' : 'audio-only';
  return new SessionLimitError(
    'session-limit',
    `The service ended the session at its ${which} limit (${Math.round(limitMs / 60_000)} min); ` +
      'set contextWindowCompression.slidingWindow for longer sessions',
    { cause: error, retryable: false },
  );
}

/**
 * True when a failed resume attempt may be the server refusing the handle (unknown, expired):
 * the socket closed during setup with a fatal code. The service does not say which field it
 * refused, so any 1007/1008 of an attempt that carried a handle counts; one attempt without the
 * handle follows, and a bad token or config fails that one too, ending the session as before.
 */
export function refusedHandle(error: LiveAgentError): error is ConnectionError {
  const code = error instanceof ConnectionError ? error.closeCode : undefined;
  return !error.retryable && (code === 1007 || code === 1008);
}

/** The non-fatal error reported when a fresh session replaced a refused resume. */
export function contextLost(refusal: ConnectionError): ConnectionError {
  const said = refusal.reason ? `: ${refusal.reason}` : '';
  return new ConnectionError(
    'context-lost',
    `The server refused the resumption handle (${refusal.closeCode}${said}); the conversation ` +
      'goes on in a new session without the earlier context',
    refusal.closeCode,
    refusal.reason,
    { cause: refusal },
  );
}

/** Normalises anything thrown by a transport or provider into a LiveAgentError. */
export function toLiveAgentError(error: unknown): LiveAgentError {
  if (error instanceof LiveAgentError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionError('connection-lost', `Connection failed: ${message}`, undefined, '', {
    cause: error,
    retryable: true,
  });
}

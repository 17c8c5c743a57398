/**
 * Reconnect policy: which failures are worth a retry, and how long to wait (exponential backoff
 * with full jitter, so a fleet of tabs dropped together does not reconnect in lockstep).
 */
import { ConnectionError, LiveAgentError } from './errors.ts';
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

/** Maps a server close to a typed error: 1007/1008 fatal, 1011/1006/1001/others retryable. */
export function classifyClose(info: CloseInfo): ConnectionError {
  return ConnectionError.fromClose(info.code, info.reason);
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

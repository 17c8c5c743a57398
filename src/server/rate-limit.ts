/**
 * In-memory sliding-window rate limiter, one log of timestamps per client key. Good for a single
 * process; behind several instances use a shared store (or the platform's limiter) instead.
 */

/** Limits per client: at most `max` tokens per `windowMs`. */
export interface RateLimitOptions {
  windowMs: number;
  max: number;
}

/** Result of one check: allowed, or the seconds until the next slot frees up. */
export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

// Bounds memory when many distinct clients (or spoofed keys) arrive; oldest keys go first.
const MAX_KEYS = 10_000;

/** Creates a limiter; `hit(key)` records a request when it is allowed. */
export function createRateLimiter(options: RateLimitOptions, now: () => number = Date.now) {
  const { windowMs, max } = options;
  if (!(windowMs > 0) || !(max >= 1))
    throw new RangeError('rateLimit needs windowMs > 0 and max >= 1');
  const logs = new Map<string, number[]>();

  return {
    hit(key: string): RateLimitResult {
      const t = now();
      const log = (logs.get(key) ?? []).filter((at) => at > t - windowMs);
      if (log.length >= max) {
        logs.set(key, log);
        const oldest = log[0] ?? t;
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - t) / 1000)),
        };
      }
      log.push(t);
      // Re-insert so Map order is least-recently-used first.
      logs.delete(key);
      logs.set(key, log);
      if (logs.size > MAX_KEYS) logs.delete(logs.keys().next().value as string);
      return { ok: true };
    },
  };
}

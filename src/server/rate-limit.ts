/**
 * Token-endpoint rate limiting: a sliding window per client key, kept in a pluggable store. The
 * in-memory store is the default and fits one process; behind several instances (serverless,
 * many Node processes) every instance must see the same counts: use the Redis store
 * (redis-store.ts) or your own `RateLimitStore`.
 */

/** Limits per client: at most `max` tokens per `windowMs`, counted in `store`. */
export interface RateLimitOptions {
  windowMs: number;
  max: number;
  /** Where hits are counted (default: this process's memory). */
  store?: RateLimitStore;
}

/** Result of one check: allowed, or the seconds until the next slot frees up. */
export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Shared counts behind the limiter. `hit` records a request for `key` when fewer than `max` were
 * recorded in the last `windowMs`, atomically (two instances must not both take the last slot).
 * A store that throws or rejects makes the token handler answer 503: it fails closed.
 */
export interface RateLimitStore {
  hit(key: string, windowMs: number, max: number): RateLimitResult | Promise<RateLimitResult>;
}

// Bounds memory when many distinct clients (or spoofed keys) arrive; oldest keys go first.
const MAX_KEYS = 10_000;

/** Seconds until the oldest hit of a full window leaves it (at least 1). */
export function retryAfter(oldest: number, windowMs: number, now: number): number {
  return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
}

/** The default store: one log of timestamps per key in this process. */
export function createMemoryRateLimitStore(now: () => number = Date.now): RateLimitStore {
  const logs = new Map<string, number[]>();
  return {
    hit(key, windowMs, max) {
      const t = now();
      const log = (logs.get(key) ?? []).filter((at) => at > t - windowMs);
      if (log.length >= max) {
        logs.set(key, log);
        return { ok: false, retryAfterSeconds: retryAfter(log[0] ?? t, windowMs, t) };
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

/** An in-memory limiter; `hit(key)` records a request when it is allowed. */
export function createRateLimiter(
  options: Omit<RateLimitOptions, 'store'>,
  now: () => number = Date.now,
): { hit(key: string): RateLimitResult } {
  const { windowMs, max } = checkLimits(options);
  const store = createMemoryRateLimitStore(now);
  return { hit: (key) => store.hit(key, windowMs, max) as RateLimitResult };
}

/** Validates `windowMs` and `max` (a typo must not turn the limit off). */
export function checkLimits<T extends { windowMs: number; max: number }>(options: T): T {
  if (!(options.windowMs > 0) || !(options.max >= 1))
    throw new RangeError('rateLimit needs windowMs > 0 and max >= 1');
  return options;
}

/**
 * The token handler's rate limit shared through a real redis-server (started here on a free
 * port): several instances count together, check-and-record is atomic under concurrency, the
 * window slides on Redis's clock, and a store that is down makes the endpoint fail closed (503).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisRateLimitStore,
  createTokenHandler,
  type RedisRateLimitStore,
} from '../../src/server/index.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

let redis: RedisServer;
const stores: RedisRateLimitStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
}, 120_000);
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis?.stop();
});

let n = 0;
function store(url = redis.url) {
  const s = createRedisRateLimitStore({ url, prefix: `test:${process.pid}:${n++}:` });
  stores.push(s);
  return s;
}
/** Several "instances" over one prefix (separate connections, one Redis). */
function instances(count: number) {
  const prefix = `test:${process.pid}:${n++}:`;
  return Array.from({ length: count }, () => {
    const s = createRedisRateLimitStore({ url: redis.url, prefix });
    stores.push(s);
    return s;
  });
}

describe('createRedisRateLimitStore against redis-server', () => {
  it('instances share one window per client key', async () => {
    const [a, b] = instances(2);
    expect(await a!.hit('10.0.0.1', 60_000, 3)).toEqual({ ok: true });
    expect(await b!.hit('10.0.0.1', 60_000, 3)).toEqual({ ok: true });
    expect(await a!.hit('10.0.0.1', 60_000, 3)).toEqual({ ok: true });
    const refused = await b!.hit('10.0.0.1', 60_000, 3);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(await b!.hit('10.0.0.2', 60_000, 3)).toEqual({ ok: true });
  });

  it('is atomic: 60 concurrent hits from 6 instances, max 10 → exactly 10 allowed', async () => {
    const all = instances(6);
    const verdicts = await Promise.all(
      Array.from({ length: 60 }, (_, i) => all[i % 6]!.hit('burst', 60_000, 10)),
    );
    expect(verdicts.filter((v) => v.ok)).toHaveLength(10);
  });

  it('the window slides: a slot frees once the oldest hit is older than windowMs', async () => {
    const s = store();
    expect((await s.hit('k', 300, 1)).ok).toBe(true);
    expect((await s.hit('k', 300, 1)).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect((await s.hit('k', 300, 1)).ok).toBe(true);
  });

  it('hostile keys (huge, binary, Lua/RESP syntax) are just keys', async () => {
    const s = store();
    for (const key of [
      'x'.repeat(10_000),
      '\r\n*1\r\n$4\r\nPING\r\n',
      "'); redis.call('FLUSHALL",
      '\u0000é😀',
    ])
      expect(await s.hit(key, 60_000, 1)).toEqual({ ok: true });
  });

  it('two token handlers (two instances) share the limit; Redis down → 503, fail closed', async () => {
    const [a, b] = instances(2);
    const make = (s: RedisRateLimitStore) =>
      createTokenHandler({
        apiKey: 'AIzaTEST-unused',
        model: 'm',
        rateLimit: { windowMs: 60_000, max: 2, store: s },
        // Past the limiter, refuse: these requests never mint.
        authorize: () => false,
      });
    const req = () => new Request('http://127.0.0.1/api/live-token', { method: 'POST' });
    const peer = { remoteAddress: '203.0.113.9' };
    expect((await make(a!)(req(), peer)).status).toBe(401);
    expect((await make(b!)(req(), peer)).status).toBe(401);
    const limited = await make(a!)(req(), peer);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const down = store('redis://127.0.0.1:1');
    const res = await make(down)(req());
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream-error');
  });

  it('accepts your own client through `send` (node-redis sendCommand, ioredis call)', async () => {
    const seen: string[][] = [];
    const s = createRedisRateLimitStore({
      send: (args) => (seen.push(args), Promise.resolve([0, 7])),
    });
    expect(await s.hit('k', 1000, 1)).toEqual({ ok: false, retryAfterSeconds: 7 });
    expect(seen[0]!.slice(0, 1)).toEqual(['EVAL']);
    expect(seen[0]![3]).toBe('live-agent:rate:k');
  });
});

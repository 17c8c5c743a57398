/**
 * The Node token endpoint (createTokenHandler + toNodeHandler on node:http, minting against the
 * emulator) under hostile requests: forged, `null` and missing Origin, floods, oversized and
 * non-JSON bodies, wrong methods, absurd headers. Each answer is checked for status, for a JSON
 * error without internals, and for never carrying the API key.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator/index.ts';
import { createTokenHandler, toNodeHandler } from '../../src/server/index.ts';

const API_KEY = 'AIzaHOSTILE-secret-key-0123456789abcdefgh';
const SITE = 'https://app.example';
let emulator: Awaited<ReturnType<typeof createEmulator>>;
let server: Server;
let base: string;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, apiKey: API_KEY });
  const handler = createTokenHandler({
    apiKey: API_KEY,
    model: 'gemini-3.8-live',
    baseUrl: emulator.url,
    allowedOrigins: [SITE],
    rateLimit: { windowMs: 60_000, max: 5 },
    // The test plays the one proxy in front: its X-Forwarded-For names each "client".
    trustProxy: 1,
  });
  server = createServer(toNodeHandler(handler, { maxBodyBytes: 1024 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/live-token`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await emulator?.close();
});

let client = 0;
/** A request from a fresh client address (its own rate-limit window) unless `ip` is given. */
async function send(
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ip = `198.51.100.${++client}`,
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(base, {
    method: init.method ?? 'POST',
    headers: { 'x-forwarded-for': ip, ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  expect(text).not.toContain(API_KEY);
  expect(text).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
  return { status: res.status, text, headers: res.headers };
}
const code = (text: string) => (JSON.parse(text) as { error: { code: string } }).error.code;

describe('token endpoint under hostile requests', () => {
  it('an allowed Origin gets a token (the baseline)', async () => {
    const res = await send({ headers: { origin: SITE } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).token).toMatch(/^auth_tokens\//);
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
  });

  it.each([
    ['a forged Origin', 'https://evil.example'],
    ['the `null` Origin (sandboxed iframe, file://)', 'null'],
    ['a look-alike Origin', 'https://app.example.evil.example'],
    ['the allowed host on another scheme', 'http://app.example'],
    ['the allowed Origin with a trailing slash', `${SITE}/`],
  ])('%s → 403, no CORS header, no token', async (_name, origin) => {
    for (const method of ['POST', 'OPTIONS']) {
      const res = await send({ method, headers: { origin } });
      expect(res.status).toBe(403);
      expect(code(res.text)).toBe('origin-not-allowed');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('no Origin (a non-browser client) is not a browser request: CORS does not apply', async () => {
    // Documented: the Origin check protects browsers; servers and scripts must be stopped by
    // `authorize` and the rate limit, which still apply.
    const res = await send();
    expect(res.status).toBe(200);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s → 405 with Allow', async (method) => {
    const res = await send({ method, headers: { origin: SITE } });
    expect(res.status).toBe(405);
    expect(code(res.text)).toBe('method-not-allowed');
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('an oversized body → 413 before anything is minted', async () => {
    const before = emulator.tokens.size;
    const res = await send({ headers: { origin: SITE }, body: 'a'.repeat(64 * 1024) });
    expect(res.status).toBe(413);
    expect(emulator.tokens.size).toBe(before);
  });

  it.each([
    ['non-JSON', 'not json {'],
    ['binary', '\u0000\u00ff\u00fe'],
    ['a JSON body asking for another model', '{"model":"gemini-ultra","uses":1000}'],
  ])('%s body: ignored, the token keeps the server-side model and one use', async (_n, body) => {
    const res = await send({ headers: { origin: SITE, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const token = [...emulator.tokens.values()].find((t) => t.name === JSON.parse(res.text).token);
    expect(token?.uses).toBe(1);
    expect(JSON.stringify(token)).toContain('gemini-3.8-live');
    expect(JSON.stringify(token)).not.toContain('gemini-ultra');
  });

  it('a flood of 200 requests from one client: 5 tokens, 195 × 429 with Retry-After', async () => {
    const before = emulator.tokens.size;
    const results = await Promise.all(
      Array.from({ length: 200 }, () => send({ headers: { origin: SITE } }, '192.0.2.77')),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(195);
    expect(results.every((r) => r.status !== 429 || Number(r.headers.get('retry-after')) > 0)).toBe(
      true,
    );
    expect(emulator.tokens.size - before).toBe(5);
  });

  it('absurd headers: a 100 kB header is refused by node:http (431), nothing minted', async () => {
    const before = emulator.tokens.size;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        base,
        { method: 'POST', headers: { origin: SITE, 'x-junk': 'x'.repeat(100_000) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    expect(emulator.tokens.size).toBe(before);
  });
});

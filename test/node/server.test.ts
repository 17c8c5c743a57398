/**
 * The token handler against the Live emulator's `POST /v1alpha/auth_tokens` (the same route and
 * body @google/genai uses against Google): minting, locked constraints, origin/CORS, rate limit,
 * authorize hook, upstream failures, and that the API key never reaches a client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleGenAI, Modality, type LiveServerMessage } from '@google/genai';
import { createEmulator } from '../../src/emulator/index.ts';
import {
  createRateLimiter,
  createTokenHandler,
  scrubSecret,
  toNodeHandler,
  type TokenHandlerOptions,
} from '../../src/server/index.ts';

const API_KEY = 'AIzaTEST-secret-key-0123456789abcdefghijk';
const MODEL = 'gemini-3.8-live';
const SITE = 'http://127.0.0.1:5173';

let emulator: Awaited<ReturnType<typeof createEmulator>>;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, apiKey: API_KEY });
});
afterAll(async () => {
  await emulator?.close();
});

function handler(extra: Partial<TokenHandlerOptions> = {}) {
  return createTokenHandler({ apiKey: API_KEY, model: MODEL, baseUrl: emulator.url, ...extra });
}

function post(headers: Record<string, string> = {}, url = `${SITE}/api/live-token`) {
  return new Request(url, { method: 'POST', headers: { origin: SITE, ...headers } });
}

async function json(response: Response): Promise<Record<string, any>> {
  const text = await response.text();
  expect(text).not.toContain(API_KEY);
  return JSON.parse(text) as Record<string, any>;
}

describe('createTokenHandler', () => {
  it('mints a token that @google/genai can open a Live session with', async () => {
    const res = await handler({ config: { responseModalities: [Modality.AUDIO] } })(post());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await json(res);
    expect(body.token).toMatch(/^auth_tokens\//);
    expect(Date.parse(body.expireTime)).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(Date.parse(body.newSessionExpireTime)).toBeLessThan(Date.now() + 61_000);

    const ai = new GoogleGenAI({
      apiKey: body.token,
      httpOptions: { apiVersion: 'v1alpha', baseUrl: emulator.url },
    });
    let resolve!: (m: LiveServerMessage) => void;
    let reject!: (e: unknown) => void;
    const setupDone = new Promise<LiveServerMessage>(
      (res, rej) => ((resolve = res), (reject = rej)),
    );
    const session = await ai.live.connect({
      model: MODEL,
      config: { responseModalities: [Modality.AUDIO] },
      callbacks: {
        onmessage: (m) => {
          if (m.setupComplete) resolve(m);
        },
        onerror: (e) => reject(e),
        onclose: (e) => reject(new Error(`closed ${e.code} ${e.reason}`)),
      },
    });
    await expect(setupDone).resolves.toBeTruthy();
    session.close();
  });

  it('locks model and config into the token (the emulator records the constraints)', async () => {
    const res = await handler({
      config: {
        responseModalities: [Modality.AUDIO],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
      },
      uses: 2,
    })(post());
    const { token } = await json(res);
    const issued = emulator.tokens.get(token);
    expect(issued).toBeDefined();
    expect(issued!.uses).toBe(2);
    expect(issued!.setup?.model).toBe(`models/${MODEL}`);
    expect(JSON.stringify(issued!.setup)).toContain('Kore');
    expect(issued!.fieldMask).toContain('model');
  });

  it("locks the whole setup with lockAdditionalFields: 'all'", async () => {
    const { token } = await json(await handler({ lockAdditionalFields: 'all' })(post()));
    expect(emulator.tokens.get(token)!.fieldMask).toBeUndefined();
  });

  it('refuses foreign origins, allows listed ones with CORS, answers preflight', async () => {
    const h = handler({ allowedOrigins: ['https://app.example'] });
    const refused = await h(post({ origin: 'https://evil.example' }));
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('origin-not-allowed');

    const ok = await h(post({ origin: 'https://app.example' }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');

    const pre = await h(
      new Request(`${SITE}/api/live-token`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('allows same-origin by default and refuses cross-origin', async () => {
    expect((await handler()(post())).status).toBe(200);
    expect((await handler()(post({ origin: 'http://127.0.0.1:9999' }))).status).toBe(403);
    // No Origin header: a non-browser client (curl, server-to-server).
    const bare = new Request(`${SITE}/api/live-token`, { method: 'POST' });
    expect((await handler()(bare)).status).toBe(200);
  });

  it('answers 405 to anything but POST/OPTIONS', async () => {
    const res = await handler()(
      new Request(`${SITE}/api/live-token`, { headers: { origin: SITE } }),
    );
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
    expect((await json(res)).error.code).toBe('method-not-allowed');
  });

  it('rate-limits per client (peer address) with 429 and Retry-After', async () => {
    const h = handler({ rateLimit: { windowMs: 60_000, max: 2 } });
    const a = { remoteAddress: '10.0.0.1' };
    expect((await h(post(), a)).status).toBe(200);
    expect((await h(post(), a)).status).toBe(200);
    const limited = await h(post(), a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(limited)).error.code).toBe('rate-limited');
    // Another client is not affected.
    expect((await h(post(), { remoteAddress: '10.0.0.2' })).status).toBe(200);
  });

  it('runs the authorize hook: false → 401, {status: 403} → 403, true → token', async () => {
    const h = handler({
      authorize: async (req) => {
        const auth = req.headers.get('authorization');
        if (!auth) return false;
        return auth === 'Bearer good' ? true : { status: 403, message: 'Plan has no voice' };
      },
    });
    const anon = await h(post());
    expect(anon.status).toBe(401);
    expect((await json(anon)).error.code).toBe('unauthorized');
    const bad = await h(post({ authorization: 'Bearer bad' }));
    expect(bad.status).toBe(403);
    expect((await json(bad)).error.message).toBe('Plan has no voice');
    expect((await h(post({ authorization: 'Bearer good' }))).status).toBe(200);
  });

  it('maps an unreachable upstream to 502 without the key', async () => {
    const h = createTokenHandler({ apiKey: API_KEY, model: MODEL, baseUrl: 'http://127.0.0.1:1' });
    const res = await h(post());
    expect(res.status).toBe(502);
    expect((await json(res)).error.code).toBe('upstream-error');
  });

  it('maps an upstream refusal (wrong key) to 502 and scrubs the key from the message', async () => {
    const wrong = 'AIzaWRONG-key-abcdefghijklmnopqrstuvwxyz';
    const h = createTokenHandler({ apiKey: wrong, model: MODEL, baseUrl: emulator.url });
    const res = await h(post());
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).not.toContain(wrong);
    expect(JSON.parse(text).error.code).toBe('upstream-error');
  });
});

describe('toNodeHandler', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const h = toNodeHandler(handler({ allowedOrigins: ['https://app.example'] }));
    server = createServer((req, res) => void h(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves tokens over node:http with headers and status intact', async () => {
    const res = await fetch(`${base}/api/live-token`, {
      method: 'POST',
      headers: { origin: 'https://app.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await json(res)).token).toMatch(/^auth_tokens\//);
    const refused = await fetch(`${base}/api/live-token`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
    expect((await fetch(`${base}/api/live-token`)).status).toBe(405);
  });
});

describe('createRateLimiter and scrubSecret', () => {
  it('slides the window: a slot frees exactly windowMs after the oldest hit', () => {
    let now = 0;
    const limiter = createRateLimiter({ windowMs: 10_000, max: 2 }, () => now);
    expect(limiter.hit('a').ok).toBe(true);
    now = 4_000;
    expect(limiter.hit('a').ok).toBe(true);
    now = 6_000;
    expect(limiter.hit('a')).toEqual({ ok: false, retryAfterSeconds: 4 });
    now = 10_001; // the hit at 0 left the window
    expect(limiter.hit('a').ok).toBe(true);
    expect(limiter.hit('a').ok).toBe(false);
    expect(limiter.hit('b').ok).toBe(true);
  });

  it('removes the key, ?key= parameters and AIza-shaped strings', () => {
    const text = `failed https://x/v1alpha/auth_tokens?key=${API_KEY}&alt=json: ${API_KEY} AIzaOTHERkeyOTHERkeyOTHERkey12`;
    const out = scrubSecret(text, API_KEY);
    expect(out).not.toContain(API_KEY);
    expect(out).not.toContain('AIzaOTHER');
    expect(out).toContain('alt=json');
  });
});

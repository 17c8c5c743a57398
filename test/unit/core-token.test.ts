import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError, LiveAgentError } from '../../src/core/errors.ts';
import { looksLikeApiKey, TokenProvider } from '../../src/core/token.ts';

const SECRET = 'auth_tokens/secret-abc123';
const KEY = 'AIzaSyD-abcdefghijklmnopqrstuvwxyz01234';

function signal(): AbortSignal {
  return new AbortController().signal;
}

function fetchReturning(body: string, status = 200) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(new Response(body, { status }));
  };
  return { fetch: fn as unknown as typeof fetch, calls };
}

async function failure(p: Promise<unknown>): Promise<LiveAgentError> {
  const error = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LiveAgentError);
  return error as LiveAgentError;
}

afterEach(() => vi.restoreAllMocks());

describe('TokenProvider', () => {
  it('string token → token credential', async () => {
    expect(await new TokenProvider(SECRET).get(signal())).toEqual({ kind: 'token', value: SECRET });
  });

  it('async provider is called for every get()', async () => {
    let n = 0;
    const provider = new TokenProvider(() => Promise.resolve(`auth_tokens/t${++n}`));
    expect((await provider.get(signal())).value).toBe('auth_tokens/t1');
    expect((await provider.get(signal())).value).toBe('auth_tokens/t2');
  });

  it('url: POSTs {} as JSON with the app init and reads {token}', async () => {
    const { fetch, calls } = fetchReturning(JSON.stringify({ token: SECRET }));
    const provider = new TokenProvider(
      { url: '/api/live-token', init: { headers: { 'X-App': '1' }, credentials: 'include' } },
      { fetch },
    );
    expect(await provider.get(signal())).toEqual({ kind: 'token', value: SECRET });
    const { url, init } = calls[0]!;
    expect(url).toBe('/api/live-token');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{}');
    expect(init.credentials).toBe('include');
    const headers = new Headers(init.headers);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('x-app')).toBe('1');
    await provider.get(signal());
    expect(calls).toHaveLength(2);
  });

  it('url: accepts the AuthToken shape {name}', async () => {
    const { fetch } = fetchReturning(JSON.stringify({ name: SECRET, uses: 1 }));
    expect((await new TokenProvider({ url: '/t' }, { fetch }).get(signal())).value).toBe(SECRET);
  });

  it('url: HTTP 500 → token-fetch-failed with the status, retryable, body not echoed', async () => {
    const { fetch } = fetchReturning(`{"token":"${SECRET}","error":"boom"}`, 500);
    const error = await failure(new TokenProvider({ url: '/t' }, { fetch }).get(signal()));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('token-fetch-failed');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Token endpoint failed: HTTP 500');
    expect(error.message).not.toContain('secret');
  });

  it('url: invalid JSON → token-fetch-failed', async () => {
    const { fetch } = fetchReturning('<html>nope</html>');
    const error = await failure(new TokenProvider({ url: '/t' }, { fetch }).get(signal()));
    expect(error.code).toBe('token-fetch-failed');
    expect(error.message).toBe('Token endpoint failed: HTTP 200, response is not JSON');
  });

  it('url: endpoint down → token-fetch-failed (network error)', async () => {
    const fetch = (() =>
      Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof globalThis.fetch;
    const error = await failure(new TokenProvider({ url: '/t' }, { fetch }).get(signal()));
    expect(error.code).toBe('token-fetch-failed');
    expect(error.message).toBe('Token endpoint failed: network error');
  });

  it('url: JSON without token or name → token-invalid', async () => {
    const { fetch } = fetchReturning('{"tok":"x"}');
    const error = await failure(new TokenProvider({ url: '/t' }, { fetch }).get(signal()));
    expect(error.code).toBe('token-invalid');
  });

  it('aborting cancels a pending fetch and a slow provider', async () => {
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    const fetch = ((_: string, init: RequestInit) => {
      seen = init.signal ?? undefined;
      return new Promise(() => undefined);
    }) as unknown as typeof globalThis.fetch;
    const pending = new TokenProvider({ url: '/t' }, { fetch }).get(ac.signal);
    ac.abort();
    expect((await failure(pending)).code).toBe('aborted');
    expect(seen?.aborted).toBe(true);
    const ac2 = new AbortController();
    const slow = new TokenProvider(() => new Promise<string>(() => undefined)).get(ac2.signal);
    ac2.abort();
    expect((await failure(slow)).code).toBe('aborted');
  });

  it('refuses long-lived API keys (api-key-refused), from any source', async () => {
    expect((await failure(new TokenProvider(KEY).get(signal()))).code).toBe('api-key-refused');
    const fromFn = new TokenProvider(() => Promise.resolve(KEY));
    expect((await failure(fromFn.get(signal()))).code).toBe('api-key-refused');
    const { fetch } = fetchReturning(JSON.stringify({ token: KEY }));
    const fromUrl = new TokenProvider({ url: '/t' }, { fetch });
    const error = await failure(fromUrl.get(signal()));
    expect(error.code).toBe('api-key-refused');
    expect(error.message).not.toContain(KEY);
  });

  it('looksLikeApiKey: AIza keys and opaque secrets, never auth_tokens', () => {
    expect(looksLikeApiKey(KEY)).toBe(true);
    expect(looksLikeApiKey('sk_live_0123456789abcdefghijkl')).toBe(true);
    expect(looksLikeApiKey('auth_tokens/AIzaSyD-abcdefghijklmnopqrstuvwxyz01234')).toBe(false);
    expect(looksLikeApiKey('short')).toBe(false);
  });

  it('other strings are token-invalid and the message does not echo them', async () => {
    const error = await failure(new TokenProvider('hello there').get(signal()));
    expect(error.code).toBe('token-invalid');
    expect(error.message).not.toContain('hello there');
    expect((await failure(new TokenProvider('').get(signal()))).code).toBe('token-invalid');
  });

  it('allowApiKey: apiKey credential and one loud warning (without the key)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const provider = new TokenProvider(KEY, { allowApiKey: true });
    expect(await provider.get(signal())).toEqual({ kind: 'apiKey', value: KEY });
    await provider.get(signal());
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('allowApiKey');
    expect(String(warn.mock.calls[0]![0])).not.toContain(KEY);
  });

  it('a throwing provider → token-fetch-failed (retryable)', async () => {
    const error = await failure(
      new TokenProvider(() => Promise.reject(new Error('offline'))).get(signal()),
    );
    expect(error.code).toBe('token-fetch-failed');
    expect(error.retryable).toBe(true);
  });

  it('never logs the token', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    await new TokenProvider(SECRET).get(signal());
    const { fetch } = fetchReturning(JSON.stringify({ token: SECRET }), 503);
    await failure(new TokenProvider({ url: '/t' }, { fetch }).get(signal()));
    for (const spy of spies)
      for (const call of spy.mock.calls)
        expect(JSON.stringify(call)).not.toContain('secret-abc123');
  });

  it('an endpoint that never answers fails the attempt after timeoutMs (retryable), aborting the fetch', async () => {
    let fetchSignal: AbortSignal | undefined;
    const hang = ((_url: string, init: RequestInit) => {
      fetchSignal = init.signal ?? undefined;
      return new Promise<Response>(() => {});
    }) as unknown as typeof fetch;
    const provider = new TokenProvider({ url: '/token' }, { fetch: hang, timeoutMs: 50 });
    const error = await failure(provider.get(signal()));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('token-fetch-failed');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('no answer within 50 ms');
    expect(fetchSignal?.aborted).toBe(true);
  });

  it('a caller abort during a slow endpoint stays an abort, not a timeout', async () => {
    const controller = new AbortController();
    const slow = (() => new Promise<Response>(() => {})) as unknown as typeof fetch;
    const provider = new TokenProvider({ url: '/token' }, { fetch: slow, timeoutMs: 10_000 });
    const pending = provider.get(controller.signal);
    controller.abort();
    expect((await failure(pending)).code).toBe('aborted');
  });
});

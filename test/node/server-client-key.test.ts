/**
 * The token handler's rate-limit key: the socket's peer address by default (X-Forwarded-For is
 * written by the client, so it is ignored), and with `trustProxy` = n the address n hops from the
 * right of X-Forwarded-For. Requests are refused by `authorize` after the limiter, so nothing is
 * minted: 401 means "counted, under the limit", 429 "limited".
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTokenHandler,
  defaultClientKey,
  toNodeHandler,
  type TokenHandlerOptions,
} from '../../src/server/index.ts';

const URL_ = 'http://127.0.0.1/api/live-token';

function limited(extra: Partial<TokenHandlerOptions> = {}) {
  return createTokenHandler({
    apiKey: 'AIzaTEST-unused',
    model: 'm',
    rateLimit: { windowMs: 60_000, max: 1 },
    authorize: () => false,
    ...extra,
  });
}

const post = (xff?: string) =>
  new Request(URL_, { method: 'POST', headers: xff ? { 'x-forwarded-for': xff } : {} });

describe('defaultClientKey', () => {
  const key = (xff: string | undefined, peer: string | undefined, trust = 0) =>
    defaultClientKey(post(xff), peer === undefined ? {} : { remoteAddress: peer }, trust);

  it.each([
    ['no proxy trusted: the peer, whatever the header says', '1.1.1.1', '10.0.0.9', 0, '10.0.0.9'],
    ['no proxy trusted, no peer known', '1.1.1.1', undefined, 0, 'anonymous'],
    ['one proxy: the rightmost hop', 'spoofed, 203.0.113.5', '10.0.0.9', 1, '203.0.113.5'],
    [
      'two proxies: two from the right',
      'spoofed, 203.0.113.5, 10.1.1.1',
      '10.0.0.9',
      2,
      '203.0.113.5',
    ],
    ['fewer hops than proxies: the leftmost', '203.0.113.5', '10.0.0.9', 3, '203.0.113.5'],
    ['a trusted proxy but no header: the peer', undefined, '10.0.0.9', 1, '10.0.0.9'],
    ['empty hops are skipped', ' , 203.0.113.5 ,', '10.0.0.9', 1, '203.0.113.5'],
  ])('%s', (_, xff, peer, trust, want) => {
    expect(key(xff, peer, trust)).toBe(want);
  });

  it('several X-Forwarded-For lines count as one list', () => {
    const request = new Request(URL_, { method: 'POST' });
    request.headers.append('x-forwarded-for', 'spoofed');
    request.headers.append('x-forwarded-for', '203.0.113.5');
    expect(defaultClientKey(request, { remoteAddress: '10.0.0.9' }, 1)).toBe('203.0.113.5');
  });
});

describe('createTokenHandler rate-limit key', () => {
  it('by default a forged X-Forwarded-For does not give a fresh window', async () => {
    const h = limited();
    const peer = { remoteAddress: '198.51.100.7' };
    expect((await h(post('1.1.1.1'), peer)).status).toBe(401);
    expect((await h(post('2.2.2.2'), peer)).status).toBe(429);
    expect((await h(post('3.3.3.3'), { remoteAddress: '198.51.100.8' })).status).toBe(401);
  });

  it('trustProxy: 1 keys on the hop the proxy appended, not on what the client wrote', async () => {
    const h = limited({ trustProxy: 1 });
    const proxy = { remoteAddress: '10.0.0.1' };
    expect((await h(post('forged-1, 203.0.113.5'), proxy)).status).toBe(401);
    expect((await h(post('forged-2, 203.0.113.5'), proxy)).status).toBe(429);
    expect((await h(post('203.0.113.6'), proxy)).status).toBe(401);
  });

  it('refuses a trustProxy that is not a whole number ≥ 0', () => {
    for (const trustProxy of [-1, 1.5, Number.NaN])
      expect(() => limited({ trustProxy })).toThrow(TypeError);
  });

  it('a custom clientKey gets the request and the peer', async () => {
    const seen: unknown[] = [];
    const h = limited({
      clientKey: (request, client) => {
        seen.push([request.headers.get('x-user'), client.remoteAddress]);
        return 'one';
      },
    });
    await h(new Request(URL_, { method: 'POST', headers: { 'x-user': 'u1' } }), {
      remoteAddress: '10.0.0.5',
    });
    expect(seen).toEqual([['u1', '10.0.0.5']]);
  });
});

describe('toNodeHandler passes the socket peer address', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function serve(h: Parameters<typeof toNodeHandler>[0]): Promise<number> {
    server = createServer(toNodeHandler(h));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  const send = (port: number, xff: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/live-token' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.setHeader('x-forwarded-for', xff);
      req.on('error', reject);
      req.end();
    });

  it('the peer is what the key sees; rotating X-Forwarded-For does not escape the limit', async () => {
    let peer: string | undefined;
    const h = limited({
      clientKey: (request, client) => (peer = defaultClientKey(request, client)),
    });
    const port = await serve(h);
    expect(await send(port, '1.1.1.1')).toBe(401);
    expect(peer).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(await send(port, '2.2.2.2')).toBe(429);
  });
});

/**
 * A plain HTTP request to a Live WebSocket route gets 426 with a message that says what to open
 * instead: the path asked for with its credential parameter, and both ws:// and wss:// (the one
 * this emulator serves named first).
 */
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';

const V1BETA = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
const CONSTRAINED =
  '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained';
let plain: Emulator;
let tls: Emulator;

beforeAll(async () => {
  [plain, tls] = await Promise.all([
    createEmulator({ apiKey: 'k', log: false }),
    createEmulator({ apiKey: 'k', tls: true, log: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain?.close(), tls?.close()]);
});

type Answer = {
  status: number;
  body: { error: { code: number; message: string; status: string } };
};

async function plainGet(path: string, method = 'GET'): Promise<Answer> {
  const res = await fetch(plain.url + path, { method });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

function tlsGet(path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${tls.url}${path}`, { ca: tls.certificate }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('426 on a Live route over plain HTTP', () => {
  it('names ws:// first, wss:// too, the path and ?key=', async () => {
    const { status, body } = await plainGet(`${V1BETA}?key=k`);
    expect(status).toBe(426);
    expect(body.error.status).toBe('FAILED_PRECONDITION');
    const { message } = body.error;
    expect(message).toContain(`ws://HOST${V1BETA}?key=KEY`);
    expect(message).toContain('wss://');
    expect(message.indexOf('ws://')).toBeLessThan(message.indexOf('wss://'));
    expect(message).toContain('Upgrade: websocket');
    expect(message).toContain('(GET)');
  });

  it('the constrained route asks for access_token; the method is named', async () => {
    const { status, body } = await plainGet(CONSTRAINED, 'POST');
    expect(status).toBe(426);
    expect(body.error.message).toContain(`ws://HOST${CONSTRAINED}?access_token=auth_tokens/…`);
    expect(body.error.message).toContain('(POST)');
  });

  it('over TLS it names wss:// first, ws:// as the other one', async () => {
    const { status, body } = await tlsGet(V1BETA);
    expect(status).toBe(426);
    const { message } = body.error;
    expect(message).toContain(`wss://HOST${V1BETA}?key=KEY`);
    expect(message).toMatch(/\(ws:\/\/ when the emulator runs without TLS\)/);
  });
});

/**
 * How real clients reach the emulator: over TLS with a generated certificate (the Python
 * google-genai client switches to `wss://` whenever an API key is set) and with an ephemeral token
 * in `Authorization: Token …` (how that client sends one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';

const KEY = 'tls-key';
const PATH = '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent';
const OLD_MODEL = 'models/gemini-2.0-flash-live-001';
let emu: Emulator;

beforeAll(async () => {
  emu = await createEmulator({ apiKey: KEY, speech: 'tone', responseDelayMs: 0 });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

/** Opens a socket, sends a setup and resolves with the first server message. */
async function firstReply(url: string, options: WebSocket.ClientOptions): Promise<unknown> {
  const ws = new WebSocket(url, options);
  const first = new Promise<string>((resolve, reject) => {
    ws.once('message', (d) => resolve((d as Buffer).toString('utf8')));
    ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
    ws.once('error', reject);
  });
  // A failed handshake rejects both promises; the one below reports it.
  first.catch(() => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ setup: { model: OLD_MODEL } }));
  try {
    return JSON.parse(await first) as unknown;
  } finally {
    ws.close();
  }
}

describe('credentials in headers', () => {
  it('takes an ephemeral token as Authorization: Token (how the Python client sends it)', async () => {
    const token = emu.createToken({ uses: 1 });
    const path =
      '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained';
    const headers = { authorization: `Token ${token.name}` };
    expect(await firstReply(`${emu.wsUrl}${path}`, { headers })).toEqual({ setupComplete: {} });
    expect((await emu.waitForSession()).credential).toEqual({ kind: 'token', value: token.name });
  });
});

describe('tls', () => {
  let tls: Emulator;
  beforeAll(async () => {
    tls = await createEmulator({ apiKey: KEY, tls: true, speech: 'tone', responseDelayMs: 0 });
  });
  afterAll(() => tls.close());

  it('serves https:// and wss:// with a generated certificate for 127.0.0.1, written to a file', async () => {
    expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(tls.wsUrl).toMatch(/^wss:\/\//);
    const path = tls.certificatePath ?? '';
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(tls.certificate);
    expect(tls.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const health = await new Promise<string>((resolve, reject) => {
      request(`${tls.url}/health`, { ca: tls.certificate }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(health)).toMatchObject({ status: 'ok' });
    const headers = { 'x-goog-api-key': KEY };
    expect(await firstReply(`${tls.wsUrl}${PATH}`, { ca: tls.certificate, headers })).toEqual({
      setupComplete: {},
    });
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const headers = { 'x-goog-api-key': KEY };
    await expect(firstReply(`${tls.wsUrl}${PATH}`, { headers })).rejects.toThrow(
      /self-signed|certificate/,
    );
  });

  it('removes a generated certificate when closed', async () => {
    const other = await createEmulator({ apiKey: KEY, tls: true });
    const path = other.certificatePath ?? '';
    expect(existsSync(path)).toBe(true);
    await other.close();
    expect(existsSync(path)).toBe(false);
  });
});

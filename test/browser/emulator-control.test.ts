/** The browser-side control API works in every engine: raw WebSocket to a per-test emulator. */
import { afterEach, expect, test } from 'vitest';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

let emu: EmulatorControl | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function open(url: string): Promise<{ ws: WebSocket; first: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onerror = () => reject(new Error('socket failed'));
    ws.onopen = () => ws.send(JSON.stringify({ setup: { model: 'models/gemini-3.8-live' } }));
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      const text = typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data);
      resolve({ ws, first: JSON.parse(text) });
    };
  });
}

test('a token minted through the control API opens a constrained session', async () => {
  emu = await startEmulator();
  const token = await emu.mintToken();
  expect(token).toMatch(/^auth_tokens\//);
  const base = emu.url.replace(/^http/, 'ws');
  const url = `${base}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=${encodeURIComponent(token)}`;
  const { ws, first } = await open(url);
  expect(first).toEqual({ setupComplete: {} });
  const session = await emu.waitSession();
  const info = await session.info();
  expect(info.credentialKind).toBe('token');
  expect(info.route.method).toBe('BidiGenerateContentConstrained');
  const closed = new Promise<CloseEvent>((r) => (ws.onclose = r));
  await session.close(1011, 'Internal error encountered.');
  const ev = await closed;
  expect(ev.code).toBe(1011);
  expect(ev.reason).toBe('Internal error encountered.');
});

test('waitSession() resolves at the upgrade; setupInfo() waits for the client setup', async () => {
  // The session tests read `resumedFrom` of a successor connection: read through info() right
  // after waitSession() it raced the client's setup frame and was unset under load.
  emu = await startEmulator();
  const token = await emu.mintToken();
  const base = emu.url.replace(/^http/, 'ws');
  const url = `${base}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('socket failed'));
  });
  const session = await emu.waitSession();
  expect((await session.info()).clientSetup).toBeUndefined(); // the window the race lived in
  const later = session.setupInfo();
  await new Promise((r) => setTimeout(r, 100));
  ws.send(JSON.stringify({ setup: { model: 'models/gemini-3.8-live' } }));
  expect((await later).clientSetup).toMatchObject({ model: 'models/gemini-3.8-live' });
  ws.close();
});

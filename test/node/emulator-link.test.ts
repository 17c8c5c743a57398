/**
 * `session.link`: the emulator slows or stops reading its TCP socket for real, so a client's
 * WebSocket `bufferedAmount` grows (here `ws`'s, the same figure browsers expose), and a stall
 * also holds the emulator's own frames until it ends. And `turnCompleteAfterInterrupt`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import { fastEmulator, openRaw } from '../support/raw-client.ts';

const KEY = 'link-key';
const PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
const SETUP = JSON.stringify({ setup: { model: 'models/gemini-3.8-live' } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** One 256 kB realtime text frame: big enough to fill socket buffers quickly. */
const BIG = JSON.stringify({ realtimeInput: { text: 'x'.repeat(256 * 1024) } });

let emulator: Emulator;
beforeAll(async () => {
  emulator = await fastEmulator(KEY);
});
afterAll(async () => {
  await emulator?.close();
});

async function connect() {
  const c = await openRaw(`${emulator.wsUrl}${PATH}?key=${KEY}`);
  c.ws.send(SETUP);
  await c.next((m) => m.setupComplete);
  const session = emulator.sessions.at(-1)!;
  return { c, session };
}

it('readRate(0) stops reading: the client buffers; resume drains it and every frame arrives', async () => {
  const { c, session } = await connect();
  const before = session.received.length;
  session.link.readRate(0);
  expect(session.link.state.readBytesPerSecond).toBe(0);
  for (let i = 0; i < 80; i++) c.ws.send(BIG); // 20 MB: more than loopback buffers hold
  await sleep(300);
  expect(c.ws.bufferedAmount).toBeGreaterThan(1 << 20);
  const stuck = session.received.length - before;
  expect(stuck).toBeLessThan(80);
  session.link.resume();
  for (let i = 0; i < 200 && session.received.length - before < 80; i++) await sleep(25);
  expect(session.received.length - before).toBe(80);
  expect(c.ws.bufferedAmount).toBe(0);
  c.ws.close();
});

it('a read rate bounds what the emulator takes in', async () => {
  const { c, session } = await connect();
  session.link.readRate(1 << 20); // 1 MB/s
  const start = Date.now();
  let bytes = 0;
  session.on('message', (f) => (bytes += f.raw.length));
  for (let i = 0; i < 40; i++) c.ws.send(BIG); // 10 MB
  await sleep(1000);
  const rate = bytes / ((Date.now() - start) / 1000);
  // Roughly the rate: what the kernel had already read counts too, so allow some slack.
  expect(rate).toBeLessThan(2.5 * (1 << 20));
  expect(rate).toBeGreaterThan(0.3 * (1 << 20));
  session.link.resume();
  c.ws.close();
});

it("stall() holds the emulator's frames until resume, in order", async () => {
  const { c, session } = await connect();
  session.link.stall();
  const count = c.messages.length;
  session.send({ serverContent: { outputTranscription: { text: 'one' } } });
  session.send({ serverContent: { outputTranscription: { text: 'two' } } });
  await sleep(200);
  expect(c.messages.length).toBe(count);
  session.link.resume();
  await c.next(
    (m) =>
      (m.serverContent as { outputTranscription?: { text: string } } | undefined)
        ?.outputTranscription?.text === 'two',
  );
  const texts = c.messages
    .slice(count)
    .map(
      (m) =>
        (m.serverContent as { outputTranscription?: { text: string } }).outputTranscription?.text,
    );
  expect(texts).toEqual(['one', 'two']);
  c.ws.close();
});

it.each([true, false])('turnCompleteAfterInterrupt %s: what follows interrupted', async (on) => {
  emulator.settings.turnCompleteAfterInterrupt = on;
  emulator.settings.audio = { ...emulator.settings.audio, speed: 1 };
  try {
    const { c, session } = await connect();
    void session.say('A reply long enough to be cut off in the middle.');
    await c.next((m) => (m.serverContent as { modelTurn?: unknown } | undefined)?.modelTurn);
    expect(session.interrupt()).toBe(true);
    await c.next((m) => (m.serverContent as { interrupted?: boolean } | undefined)?.interrupted);
    await sleep(100);
    const keys = c.messages.map((m) => Object.keys((m.serverContent as object | undefined) ?? {}));
    const at = keys.findIndex((k) => k.includes('interrupted'));
    expect(keys.slice(at + 1).some((k) => k.includes('turnComplete'))).toBe(on);
    c.ws.close();
  } finally {
    emulator.settings.turnCompleteAfterInterrupt = false;
    emulator.settings.audio = { ...emulator.settings.audio, speed: Infinity };
  }
});

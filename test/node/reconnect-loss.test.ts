/**
 * Microphone audio across abrupt drops, measured on real sockets: the worker's API (router,
 * connections, `ws`) against the emulator, which drops the connection (1006, no close frame) 60
 * times while numbered 20 ms frames stream in. Reconnecting the way the connector does (open the
 * next connection, activate it), every frame id the emulator received is counted: lost (never
 * received) and duplicated (received twice), with the resend (100 ms, and the 100 ms a close
 * may take to be seen) and without it.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import type { SocketConstructor } from '../../src/transport/connection.ts';
import type { ConnectionPortMessage } from '../../src/worker/protocol.ts';
import { decodeBase64, encodeBase64 } from '../../src/dsp/index.ts';
import { fakePipes } from '../unit/transport-fakes.ts';
import { prng } from '../support/fuzz-frames.ts';

const KEY = 'loss-key';
const PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
const DROPS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, apiKey: KEY, vad: { thresholdDb: 50 } });
});
afterAll(async () => {
  await emulator?.close();
});

/** 20 ms at 16 kHz whose first sample carries the frame number. */
function numbered(n: number) {
  const pcm = new Int16Array(320);
  pcm[0] = n;
  const data = encodeBase64(new Uint8Array(pcm.buffer));
  return { data, samples: 320, rms: 0, at: n * 20, capturedAt: n * 20 };
}

async function run(resendMs: number) {
  const before = emulator.allSessions.length;
  const pipes = fakePipes();
  const api = createWorkerApi({
    WebSocket: WebSocket as unknown as SocketConstructor,
    ...pipes,
    resendMs,
  });
  await api.attachMedia({ capture: { port: new MessageChannel().port1, sampleRate: 16000 } });
  const params = {
    url: `${emulator.wsUrl}${PATH}?key=${KEY}`,
    setup: { setup: { model: 'models/gemini-3.8-live' } },
    connectTimeoutMs: 5000,
  };
  let nextId = 1;
  let closed: Promise<void> = Promise.resolve();
  const connect = async () => {
    const id = nextId++;
    const channel = new MessageChannel();
    closed = new Promise<void>((resolve) => {
      channel.port1.onmessage = (e: MessageEvent<ConnectionPortMessage>) => {
        if (e.data.type === 'close') {
          channel.port1.close();
          resolve();
        }
      };
    });
    const result = await api.open(id, params, channel.port2);
    expect(result.ok).toBe(true);
    api.activate(id);
  };
  await connect();
  let n = 0;
  const timer = setInterval(() => pipes.capture.emitFrame(numbered(++n)), 20);
  const r = prng(resendMs + 7);
  // Frames that wait out each reconnect, flushed at once when the next connection activates.
  let flushed = 0;
  for (let d = 0; d < DROPS; d++) {
    // Drops further apart than the resend window (200 ms of sends), so that a resend is not
    // itself resent: realistic (a reconnect takes longer), and the bound below stays per drop.
    await sleep(250 + r() * 150);
    emulator.allSessions.at(-1)!.drop();
    const dropped = n;
    await closed;
    await connect();
    flushed += n - dropped;
  }
  await sleep(200);
  clearInterval(timer);
  await sleep(200);
  api.dispose();
  const counts = new Map<number, number>();
  for (const s of emulator.allSessions.slice(before))
    for (const f of s.received) {
      const data = (f.message as { realtimeInput?: { audio?: { data?: string } } } | undefined)
        ?.realtimeInput?.audio?.data;
      if (!data) continue;
      const id = new Int16Array(decodeBase64(data).buffer)[0]!;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  let lost = 0;
  let duplicated = 0;
  for (let i = 1; i <= n; i++) {
    const c = counts.get(i) ?? 0;
    if (c === 0) lost++;
    if (c > 1) duplicated += c - 1;
  }
  return { frames: n, lost, duplicated, flushed };
}

it(`${DROPS} abrupt drops: lost vs duplicated 20 ms frames, with and without the resend`, async () => {
  const off = await run(0);
  const on = await run(100);
  console.log(
    `reconnect loss over ${DROPS} drops: resend off ${JSON.stringify(off)}, ` +
      `resend 100 ms ${JSON.stringify(on)}`,
  );
  expect(on.lost).toBeLessThanOrEqual(off.lost);
  expect(on.lost).toBe(0);
  // At most what was sent in the 200 ms before each close was seen: 10 frames at 20 ms, more
  // when the reconnect's waiting frames went out at once just before the next drop.
  expect(on.duplicated).toBeLessThanOrEqual(DROPS * 10 + on.flushed);
  expect(off.duplicated).toBe(0);
}, 120_000);

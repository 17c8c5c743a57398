/**
 * The real module worker (src/worker/live.worker.ts) in every engine: a WebSocket from the
 * worker, server messages back on the main thread, typed errors across the boundary.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ConnectionError, LiveAgentError } from '../../src/core/errors.ts';
import type { LiveTransport, OpenParams } from '../../src/core/transport.ts';
import { transfer, wrap } from 'comlink';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import type { ConnectionPortMessage, WorkerApi } from '../../src/worker/protocol.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';
import { recorder } from '../support/connection-recorder.ts';

const newWorker = () =>
  new Worker(new URL('../../src/worker/live.worker.ts', import.meta.url), { type: 'module' });

const workers: Worker[] = [];
const transports: LiveTransport[] = [];
afterEach(() => {
  transports.splice(0).forEach((t) => t.dispose());
  workers.splice(0).forEach((w) => w.terminate());
});

describe('live.worker.ts RPC against a loopback echo server', () => {
  // The echo server returns what we send: a "setup" frame that is a setupComplete completes
  // setup, and every later frame comes back as a server message.
  async function openEcho(setup: Record<string, unknown> = { setupComplete: {} }) {
    const worker = newWorker();
    workers.push(worker);
    const api = wrap<WorkerApi>(worker);
    const channel = new MessageChannel();
    const received: ConnectionPortMessage[] = [];
    channel.port1.onmessage = (e: MessageEvent<ConnectionPortMessage>) => received.push(e.data);
    const result = await api.open(
      1,
      { url: inject('echoUrl'), setup: setup as never, connectTimeoutMs: 5000 },
      transfer(channel.port2, [channel.port2]),
    );
    return { api, result, received };
  }

  it('completes setup and round-trips intents, encoded in the worker, in order', async () => {
    const { api, result, received } = await openEcho();
    expect(result).toEqual({ ok: true, setupComplete: {} });
    for (let i = 0; i < 5; i++) await api.send(1, { type: 'text', text: `t${i}`, realtime: true });
    await expect.poll(() => received.length).toBe(5);
    expect(
      received.map((m) =>
        m.type === 'message' ? (m.frame.raw['realtimeInput'] as { text: string }).text : m.type,
      ),
    ).toEqual(['t0', 't1', 't2', 't3', 't4']);
  });

  it('strips model audio in the worker, reports its size and decodes the frame', async () => {
    const data = btoa(String.fromCharCode(...new Uint8Array(960)));
    // The echoed "setup" completes setup; its other keys arrive as the first server frame.
    const { received } = await openEcho({
      setupComplete: {},
      serverContent: {
        modelTurn: {
          parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }, { text: 'x' }],
        },
      },
    });
    await expect.poll(() => received.length).toBe(1);
    const msg = received[0]!;
    expect(msg.type).toBe('message');
    if (msg.type !== 'message') return;
    expect(msg.meta.audioBytes).toBe(960);
    expect(msg.frame.raw.serverContent?.modelTurn?.parts).toEqual([
      { inlineData: { mimeType: 'audio/pcm;rate=24000' } },
      { text: 'x' },
    ]);
    expect(msg.frame.events).toEqual([{ type: 'content', text: ['x'], audioParts: 1 }]);
  });

  it('closes with our code and reason, then refuses sends with a typed error', async () => {
    const { api, received } = await openEcho();
    await api.close(1, 4001, 'test done');
    await expect.poll(() => received.at(-1)?.type).toBe('close');
    expect(received.at(-1)).toEqual({ type: 'close', info: { code: 4001, reason: 'test done' } });
    const sent = await api.send(1, { type: 'text', text: 'late', realtime: true });
    expect(sent.ok).toBe(false);
    if (!sent.ok)
      expect(sent.error).toMatchObject({ name: 'ConnectionError', code: 'not-connected' });
  });
});

const base = (endpoint: string): OpenParams => ({
  endpoint,
  credential: { kind: 'apiKey', value: 'emulator-key' },
  model: 'gemini-3.8-live',
  config: { responseModalities: ['AUDIO' as never], outputAudioTranscription: {} },
  functionDeclarations: [],
  connectTimeoutMs: 5000,
});

describe('createWorkerTransport (main thread)', () => {
  it('surfaces an unreachable endpoint as a retryable ConnectionError', async () => {
    const t = createWorkerTransport({ worker: newWorker() });
    transports.push(t);
    // Port 9 on loopback: nothing listens, the socket fails before open.
    const error = await t
      .open(base('http://127.0.0.1:9'), recorder().handlers)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('connection-lost');
    expect((error as ConnectionError).retryable).toBe(true);
    expect((error as Error).message).not.toContain('emulator-key');
  });

  it('fails open with a typed error when the worker script cannot load', async () => {
    const t = createWorkerTransport({ workerUrl: new URL('/no-such-worker.js', location.href) });
    transports.push(t);
    const error = await t
      .open(base('http://127.0.0.1:9'), recorder().handlers)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveAgentError);
    expect((error as LiveAgentError).code).toBe('unsupported');
  });
});

describe('createWorkerTransport against the emulator (control API)', () => {
  const emulators: EmulatorControl[] = [];
  afterEach(async () => {
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  async function emulator(options: Parameters<typeof startEmulator>[0] = {}) {
    const emu = await startEmulator(options);
    emulators.push(emu);
    const t = createWorkerTransport({ worker: newWorker() });
    transports.push(t);
    return { emu, t };
  }

  it('token setup over binary frames, a text turn, and a clean close', async () => {
    const { emu, t } = await emulator();
    const token = await emu.mintToken();
    const rec = recorder();
    const params: OpenParams = { ...base(emu.url), credential: { kind: 'token', value: token } };
    const conn = await t.open(params, rec.handlers);
    const session = await emu.waitSession();
    const info = await session.info();
    expect(info.route.apiVersion).toBe('v1alpha');
    expect(info.credentialKind).toBe('token');
    expect(info.clientSetup ?? info.setup).toMatchObject({ model: 'models/gemini-3.8-live' });
    conn.sendText('Hello there', false);
    await expect
      .poll(() => rec.messages.some((m) => m.message.serverContent?.turnComplete), {
        timeout: 15_000,
      })
      .toBe(true);
    // Audio was played (or dropped) in the worker: only its size reached the main thread.
    const audio = rec.messages.filter((m) => m.meta.audioBytes > 0);
    expect(audio.length).toBeGreaterThan(0);
    for (const m of audio)
      for (const part of m.message.serverContent?.modelTurn?.parts ?? [])
        expect(part.inlineData?.data).toBeUndefined();
    conn.close(1000, 'bye');
    await expect.poll(() => rec.closes.length).toBe(1);
    expect(rec.closes[0]!.code).toBe(1000);
    await expect.poll(async () => (await session.info()).closeInfo?.reason).toBe('bye');
  });

  it('a refused API key arrives as a typed ConnectionError (1008)', async () => {
    // A named key makes the emulator strict (on loopback it would otherwise take any key).
    const { emu, t } = await emulator({ apiKey: 'emulator-key' });
    const params = { ...base(emu.url), credential: { kind: 'apiKey' as const, value: 'wrong' } };
    const error = await t.open(params, recorder().handlers).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('auth-rejected');
    expect((error as ConnectionError).closeCode).toBe(1008);
  });

  it('an invalid setup (two modalities) arrives as invalid-request (1007)', async () => {
    const { emu, t } = await emulator();
    const params: OpenParams = {
      ...base(emu.url),
      config: { responseModalities: ['AUDIO' as never, 'TEXT' as never] },
    };
    const error = await t.open(params, recorder().handlers).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect([(error as ConnectionError).code, (error as ConnectionError).closeCode]).toEqual([
      'invalid-request',
      1007,
    ]);
  });

  it('a hung handshake times out with connect-timeout', async () => {
    const { emu, t } = await emulator({ dropSetupComplete: true });
    const params = { ...base(emu.url), connectTimeoutMs: 300 };
    const error = await t.open(params, recorder().handlers).catch((e: unknown) => e);
    expect((error as ConnectionError).code).toBe('connect-timeout');
  });

  it('a server close after setup reaches the handlers with its code and reason', async () => {
    const { emu, t } = await emulator();
    const rec = recorder();
    await t.open(base(emu.url), rec.handlers);
    const session = await emu.waitSession();
    // The control helper parses an empty reply as JSON (reported to the lead): ignore that.
    await session.close(1011, 'Internal error encountered.').catch(() => {});
    await expect
      .poll(() => rec.closes)
      .toEqual([{ code: 1011, reason: 'Internal error encountered.' }]);
  });
});

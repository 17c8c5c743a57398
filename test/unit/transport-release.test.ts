/**
 * The worker transport owns the workers it starts (from a `worker` function or the default URL):
 * release() — the session closed or failed — lets open sockets finish closing, disposes the
 * worker's pipes and terminates it; the next run starts a fresh worker. Real MessageChannels in
 * one thread stand in for workers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveTransport, OpenParams } from '../../src/core/transport.ts';
import { expose } from 'comlink';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import { fakePipes, fakeSocketClass, frame } from './transport-fakes.ts';

const PARAMS: OpenParams = {
  endpoint: 'http://127.0.0.1:9',
  credential: { kind: 'token', value: 'auth_tokens/secret' },
  model: 'gemini-3.8-live',
  config: {},
  functionDeclarations: [],
  connectTimeoutMs: 2000,
};
const handlers = { message: () => {}, malformed: () => {}, close: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts in-thread "workers" over MessageChannels and records each one's pipes and fate. */
function workers() {
  const { WebSocket, sockets } = fakeSocketClass();
  const started: { pipes: ReturnType<typeof fakePipes>; terminated: boolean }[] = [];
  const start = (): Worker => {
    const pipes = fakePipes();
    const channel = new MessageChannel();
    expose(createWorkerApi({ WebSocket, ...pipes }), channel.port1);
    const entry = { pipes, terminated: false };
    started.push(entry);
    const terminate = () => {
      entry.terminated = true;
      channel.port1.close();
      channel.port2.close();
    };
    return Object.assign(channel.port2, { terminate }) as unknown as Worker;
  };
  return { start, started, sockets };
}

let transport: LiveTransport | null = null;
afterEach(() => {
  transport?.dispose();
  transport = null;
});

async function connect(t: LiveTransport, sockets: ReturnType<typeof workers>['sockets']) {
  const before = sockets.length;
  const pending = t.open(PARAMS, handlers);
  await expect.poll(() => sockets.length).toBe(before + 1);
  const socket = sockets.at(-1)!;
  socket.serverOpen();
  socket.serverSend({ setupComplete: {} });
  return { conn: await pending, socket };
}

const media = () => ({
  capture: { port: new MessageChannel().port1, sampleRate: 48000 },
  playback: { port: new MessageChannel().port1, sampleRate: 48000 },
});

describe('worker transport release', () => {
  it('terminates its worker after the sockets closed; the next run starts a fresh one', async () => {
    const w = workers();
    const t = (transport = createWorkerTransport({ worker: w.start }));
    await t.attachMedia!(media());
    const { conn, socket } = await connect(t, w.sockets);
    expect(w.started).toHaveLength(1);
    conn.close(1000, 'bye');
    t.release!();
    await expect.poll(() => w.started[0]!.terminated).toBe(true);
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'bye' });
    expect(socket.readyState).toBe(3); // the close finished before the worker went away
    expect(w.started[0]!.pipes.capture.closed).toBe(true);
    expect(w.started[0]!.pipes.playback.closed).toBe(true);

    await t.attachMedia!(media());
    const again = await connect(t, w.sockets);
    expect(w.started).toHaveLength(2);
    expect(w.started[1]!.terminated).toBe(false);
    again.conn.sendText('hi', true);
    await expect.poll(() => again.socket.frames.length).toBe(2);
  });

  it('gives a socket that never finishes closing a bounded grace, then terminates', async () => {
    const w = workers();
    const t = (transport = createWorkerTransport({ worker: w.start }));
    const { socket } = await connect(t, w.sockets);
    socket.close = () => {}; // a peer that never answers the close
    t.release!();
    await sleep(300);
    expect(w.started[0]!.terminated).toBe(false);
    await expect.poll(() => w.started[0]!.terminated, { timeout: 4000 }).toBe(true);
  });

  it('rejects an open() in flight with aborted', async () => {
    const w = workers();
    const t = (transport = createWorkerTransport({ worker: w.start }));
    const pending = t.open(PARAMS, handlers);
    await expect.poll(() => w.sockets.length).toBe(1);
    t.release!();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('carries a mute over to the next worker', async () => {
    const w = workers();
    const t = (transport = createWorkerTransport({ worker: w.start }));
    t.setMicEnabled!(false); // before any worker exists
    await t.attachMedia!(media());
    const { conn, socket } = await connect(t, w.sockets);
    conn.activate();
    await expect.poll(() => w.started[0]!.pipes.capture.enabled).toBe(false);
    w.started[0]!.pipes.capture.emitFrame(frame(1));
    await sleep(20);
    expect(socket.frames).toHaveLength(1); // setup only: muted audio is not sent
  });

  it('leaves a Worker instance it was given alone; dispose() terminates it', async () => {
    const w = workers();
    const worker = w.start();
    const t = createWorkerTransport({ worker });
    const { conn } = await connect(t, w.sockets);
    conn.close();
    t.release!();
    await sleep(50);
    expect(w.started[0]!.terminated).toBe(false);
    await connect(t, w.sockets); // the same worker serves the next run
    expect(w.started).toHaveLength(1);
    t.dispose();
    await expect.poll(() => w.started[0]!.terminated, { timeout: 4000 }).toBe(true);
  });
});

/**
 * The worker RPC over a real MessageChannel in one thread (like comlink's same_window tests):
 * createWorkerApi on one port, createWorkerTransport (the main-thread side) on the other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/core/errors.ts';
import type { LiveTransport, OpenParams, TransportEvent } from '../../src/core/transport.ts';
import { buildSetup } from '../../src/transport/codec.ts';
import { buildUrl } from '../../src/transport/url.ts';
import { expose } from 'comlink';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import { fakePipes, fakeSocketClass, frame } from './transport-fakes.ts';
import { recorder } from '../support/connection-recorder.ts';

const PARAMS: OpenParams = {
  endpoint: 'http://127.0.0.1:9',
  credential: { kind: 'token', value: 'auth_tokens/secret' },
  model: 'gemini-3.8-live',
  config: { responseModalities: ['AUDIO' as never], outputAudioTranscription: {} },
  functionDeclarations: [{ name: 'f', parameters: { type: 'object' } }],
  connectTimeoutMs: 300,
};

let transport: LiveTransport | null = null;
afterEach(() => {
  transport?.dispose();
  transport = null;
});

function setup() {
  const { WebSocket, sockets } = fakeSocketClass();
  const pipes = fakePipes();
  const channel = new MessageChannel();
  expose(createWorkerApi({ WebSocket, ...pipes }), channel.port1);
  const worker = Object.assign(channel.port2, { terminate: () => channel.port2.close() });
  transport = createWorkerTransport({ worker: worker as unknown as Worker });
  const { messages, malformed, closes, handlers } = recorder();
  const events: TransportEvent[] = [];
  transport.onEvent!((e) => events.push(e));
  return { t: transport, sockets, pipes, handlers, messages, malformed, closes, events };
}

async function connect(ctx: ReturnType<typeof setup>) {
  const pending = ctx.t.open(PARAMS, ctx.handlers);
  await expect.poll(() => ctx.sockets.length).toBe(1);
  const socket = ctx.sockets[0]!;
  socket.serverOpen();
  socket.serverSend({ setupComplete: {} });
  return { conn: await pending, socket };
}

describe('worker transport over a MessageChannel', () => {
  it('opens with the URL and setup built on the main thread', async () => {
    const ctx = setup();
    const { conn, socket } = await connect(ctx);
    expect(socket.url).toBe(buildUrl(PARAMS.endpoint, PARAMS.credential));
    expect(socket.frames[0]).toEqual(JSON.parse(JSON.stringify(buildSetup(PARAMS))));
    expect(conn.setupComplete).toEqual({});
    conn.sendText('hello', true);
    await expect.poll(() => socket.frames.length).toBe(2);
    expect(socket.frames[1]).toEqual({ realtimeInput: { text: 'hello' } });
  });

  it('rejects with a typed ConnectionError revived from the worker', async () => {
    const ctx = setup();
    const pending = ctx.t.open(PARAMS, ctx.handlers);
    await expect.poll(() => ctx.sockets.length).toBe(1);
    ctx.sockets[0]!.serverOpen();
    ctx.sockets[0]!.serverClose(1008, 'Operation is not implemented, or supported, or enabled.');
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('auth-rejected');
    expect((error as ConnectionError).closeCode).toBe(1008);
    expect((error as Error).message).not.toContain('secret');
  });

  it('times out with connect-timeout', async () => {
    const ctx = setup();
    const pending = ctx.t.open(PARAMS, ctx.handlers);
    const error = await pending.catch((e: unknown) => e);
    expect((error as ConnectionError).code).toBe('connect-timeout');
  });

  it('plays audio in the worker and forwards the message without audio data', async () => {
    const ctx = setup();
    const playbackPort = new MessageChannel().port1;
    await ctx.t.attachMedia!({ playback: { port: playbackPort, sampleRate: 48000 } });
    expect(ctx.pipes.playback.options?.outputRate).toBe(48000);
    const { socket } = await connect(ctx);
    socket.serverSend({
      serverContent: {
        modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } }] },
      },
    });
    socket.serverSend({ serverContent: { interrupted: true } });
    socket.serverSend('oops');
    await expect.poll(() => ctx.messages.length).toBe(2);
    expect(ctx.pipes.playback.pushes).toEqual([{ data: 'AAAA', sampleRate: 24000 }]);
    expect(ctx.pipes.log).toEqual(['push', 'interrupt']);
    expect(ctx.messages[0]!.meta.audioBytes).toBe(3);
    expect(ctx.messages[0]!.meta.audioTurnId).toBe(1); // the pipe's turn that took the audio
    expect(ctx.messages[1]!.meta.audioTurnId).toBeUndefined();
    expect(ctx.messages[0]!.message.serverContent?.modelTurn?.parts?.[0]?.inlineData).toEqual({
      mimeType: 'audio/pcm;rate=24000',
    });
    await expect.poll(() => ctx.malformed.length).toBe(1);
    ctx.pipes.playback.emitEvent({ type: 'playback', underruns: 1, bufferedMs: 80, lateChunks: 0 });
    await expect
      .poll(() => ctx.events)
      .toContainEqual({ type: 'playback', underruns: 1, bufferedMs: 80, lateChunks: 0 });
  });

  it('audio that continues a reply crosses to the main thread in batches, in order', async () => {
    const ctx = setup();
    await ctx.t.attachMedia!({ playback: { port: new MessageChannel().port1, sampleRate: 48000 } });
    const { socket } = await connect(ctx);
    // Port messages that reached the main side: a batch's frames are delivered in one task.
    const crossings: number[] = [];
    const deliver = ctx.handlers.message;
    let inTask = false;
    ctx.handlers.message = (frame, meta) => {
      if (!inTask) {
        crossings.push(0);
        inTask = true;
        queueMicrotask(() => (inTask = false));
      }
      crossings[crossings.length - 1]!++;
      deliver(frame, meta);
    };
    const audio = {
      serverContent: {
        modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } }] },
      },
    };
    for (let i = 0; i < 10; i++) socket.serverSend(audio);
    socket.serverSend({ serverContent: { outputTranscription: { text: 'Hello' } } });
    socket.serverSend(audio);
    // The last one waits (FRAME_BATCH_MS) for company, then goes alone.
    await expect.poll(() => ctx.messages.length, { timeout: 5000 }).toBe(12);
    // The reply's first audio at once; the nine after it with the caption; the last alone, late.
    expect(crossings).toEqual([1, 10, 1]);
    expect(ctx.messages.map((m) => m.events.map((e) => e.type).join())).toEqual([
      ...Array<string>(10).fill('content'),
      'transcription',
      'content',
    ]);
    expect(ctx.messages.every((m, i) => i === 10 || m.meta.audioTurnId === 1)).toBe(true);
  });

  it('buffers microphone frames until activate and sends one audioStreamEnd on mute', async () => {
    const ctx = setup();
    await ctx.t.attachMedia!({
      capture: { port: new MessageChannel().port1, sampleRate: 44100, frameMs: 40 },
    });
    expect(ctx.pipes.capture.options?.inputRate).toBe(44100);
    expect(ctx.pipes.capture.options?.frameMs).toBe(40); // AudioOptions.frameMs reaches the pipe
    ctx.pipes.capture.emitFrame(frame(1));
    ctx.pipes.capture.emitFrame(frame(2));
    const { conn, socket } = await connect(ctx);
    expect(socket.frames).toHaveLength(1); // setup only: not active yet
    conn.activate();
    await expect.poll(() => socket.frames.length).toBe(3);
    ctx.pipes.capture.emitFrame(frame(3));
    ctx.t.setMicEnabled!(false);
    await expect.poll(() => socket.frames.length).toBe(5);
    expect(ctx.pipes.capture.enabled).toBe(false);
    expect(socket.frames.slice(1)).toEqual([
      { realtimeInput: { audio: { data: 'f1', mimeType: 'audio/pcm;rate=16000' } } },
      { realtimeInput: { audio: { data: 'f2', mimeType: 'audio/pcm;rate=16000' } } },
      { realtimeInput: { audio: { data: 'f3', mimeType: 'audio/pcm;rate=16000' } } },
      { realtimeInput: { audioStreamEnd: true } },
    ]);
  });

  it('close sends 1000 and a reason, reports close once, and refuses later sends', async () => {
    const ctx = setup();
    const { conn, socket } = await connect(ctx);
    conn.close(1000, 'user hung up');
    expect(() => conn.sendText('late', true)).toThrow(ConnectionError);
    await expect.poll(() => ctx.closes).toEqual([{ code: 1000, reason: 'user hung up' }]);
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'user hung up' });
  });

  it('delivers frames that raced the open answer in order (the session slot holds them)', async () => {
    const ctx = setup();
    const pending = ctx.t.open(PARAMS, ctx.handlers);
    await expect.poll(() => ctx.sockets.length).toBe(1);
    const socket = ctx.sockets[0]!;
    socket.serverOpen();
    socket.serverSend({
      setupComplete: {},
      sessionResumptionUpdate: { newHandle: 'h1', resumable: true },
    });
    socket.serverSend({ goAway: { timeLeft: '50s' } });
    await pending;
    await expect.poll(() => ctx.messages.length).toBe(2);
    expect(ctx.messages.map((m) => Object.keys(m.message)[0])).toEqual([
      'sessionResumptionUpdate',
      'goAway',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ConnectionError, ProtocolError } from '../../src/core/errors.ts';
import { encodeClientMessage, parseServerFrame } from '../../src/transport/codec.ts';
import { openConnection, type WireOpenParams } from '../../src/transport/connection.ts';
import type { AudioSink } from '../../src/transport/audio-sink.ts';
import { fakeSocketClass } from './transport-fakes.ts';
import { recorder } from '../support/connection-recorder.ts';

const PARAMS: WireOpenParams = {
  url: 'ws://127.0.0.1:1/ws/x?access_token=auth_tokens%2Fsecret',
  setup: { setup: { model: 'models/m' } },
  connectTimeoutMs: 200,
};

async function opened(playback?: AudioSink, params = PARAMS) {
  const { WebSocket, sockets } = fakeSocketClass();
  const rec = recorder();
  const pending = openConnection(params, rec.handlers, { id: 7, WebSocket, playback });
  const socket = sockets[0]!;
  socket.serverOpen();
  socket.serverSend({ setupComplete: { sessionId: 's1' } });
  const conn = await pending;
  return { conn, socket, rec };
}

async function rejection(p: Promise<unknown>): Promise<ConnectionError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('openConnection', () => {
  it('sends setup on open and resolves with the setupComplete payload', async () => {
    const { conn, socket } = await opened();
    expect(socket.url).toBe(PARAMS.url);
    expect(socket.binaryType).toBe('arraybuffer');
    expect(socket.frames).toEqual([PARAMS.setup]);
    expect(conn.setupComplete).toEqual({ sessionId: 's1' });
    expect(conn.id).toBe(7);
    expect(conn.isOpen).toBe(true);
  });

  it('times out with a retryable connect-timeout and closes the socket', async () => {
    const { WebSocket, sockets } = fakeSocketClass();
    const p = openConnection({ ...PARAMS, connectTimeoutMs: 20 }, recorder().handlers, {
      id: 1,
      WebSocket,
    });
    sockets[0]!.serverOpen();
    const error = await rejection(p);
    expect(error.code).toBe('connect-timeout');
    expect(error.retryable).toBe(true);
    expect(sockets[0]!.closedWith?.code).toBe(1000);
  });

  it('hands on frames that arrive before setupComplete at once, in order, decoded', async () => {
    const { WebSocket, sockets } = fakeSocketClass();
    const rec = recorder();
    const p = openConnection(PARAMS, rec.handlers, { id: 1, WebSocket });
    const s = sockets[0]!;
    s.serverOpen();
    s.serverSend({ sessionResumptionUpdate: { newHandle: 'a', resumable: true } });
    s.serverSend('garbage');
    expect(rec.messages).toHaveLength(1);
    expect(rec.malformed).toHaveLength(1);
    s.serverSend({ setupComplete: {}, usageMetadata: { totalTokenCount: 3 } });
    await p;
    expect(rec.messages.map((m) => Object.keys(m.message)[0])).toEqual([
      'sessionResumptionUpdate',
      'usageMetadata',
    ]);
    expect(rec.messages.map((m) => m.events)).toEqual([
      [{ type: 'resumption', handle: 'a' }],
      [{ type: 'usage', usage: { totalTokenCount: 3 } }],
    ]);
  });

  it('parses ArrayBuffer, typed-array and Blob frames, keeping order behind a Blob', async () => {
    const { socket, rec } = await opened();
    const enc = new TextEncoder();
    socket.serverSend(enc.encode(JSON.stringify({ goAway: { timeLeft: '1s' } })).buffer);
    socket.serverSend(new Blob([JSON.stringify({ goAway: { timeLeft: '2s' } })]));
    socket.serverSend(enc.encode(JSON.stringify({ goAway: { timeLeft: '3s' } })));
    socket.serverSend(JSON.stringify({ goAway: { timeLeft: '4s' } }));
    await expect.poll(() => rec.messages.length).toBe(4);
    expect(rec.messages.map((m) => m.message.goAway?.timeLeft)).toEqual(['1s', '2s', '3s', '4s']);
    expect(rec.messages[0]!.meta.receivedAt).toBeGreaterThan(1e12);
  });

  it('reports the close after Blob frames still decoding (a handle right before the close)', async () => {
    const { socket, rec } = await opened();
    const update = { sessionResumptionUpdate: { newHandle: 'h9', resumable: true } };
    socket.serverSend(new Blob([JSON.stringify(update)]));
    socket.serverSend(new Blob([JSON.stringify({ goAway: { timeLeft: '0s' } })]));
    socket.serverClose(1001, 'going away');
    await expect.poll(() => rec.closes.length).toBe(1);
    expect(rec.messages.map((m) => m.events[0]?.type)).toEqual(['resumption', 'goAway']);
    expect(rec.closes[0]).toMatchObject({ code: 1001 });
  });

  it('reports a malformed frame and survives it', async () => {
    const { conn, socket, rec } = await opened();
    socket.serverSend('{not json');
    socket.serverSend('[1,2]');
    socket.serverSend({ serverContent: { turnComplete: true } });
    expect(rec.malformed.map((e) => [e.name, e.code])).toEqual([
      ['ProtocolError', 'protocol'],
      ['ProtocolError', 'protocol'],
    ]);
    expect(rec.messages).toHaveLength(1);
    expect(conn.isOpen).toBe(true);
  });

  it.each([
    [1007, 'invalid-request', false],
    [1008, 'auth-rejected', false],
    [1011, 'server-error', true],
    [1006, 'connection-lost', true],
  ] as const)('maps close %i before setup to %s', async (code, expected, retryable) => {
    const { WebSocket, sockets } = fakeSocketClass();
    const p = openConnection(PARAMS, recorder().handlers, { id: 1, WebSocket });
    sockets[0]!.serverOpen();
    sockets[0]!.serverClose(code, 'Request contains an invalid argument.');
    const error = await rejection(p);
    expect([error.code, error.retryable, error.closeCode]).toEqual([expected, retryable, code]);
    expect(error.reason).toBe('Request contains an invalid argument.');
    expect(error.message).not.toContain('secret');
  });

  it('fails with retryable connection-lost on a socket error before open', async () => {
    const { WebSocket, sockets } = fakeSocketClass();
    const p = openConnection(PARAMS, recorder().handlers, { id: 1, WebSocket });
    sockets[0]!.serverError();
    const error = await rejection(p);
    expect([error.code, error.retryable]).toEqual(['connection-lost', true]);
  });

  it('reports a server close after setup once, with code and reason', async () => {
    const { conn, socket, rec } = await opened();
    socket.serverClose(1011, 'Internal error encountered.');
    socket.serverClose(1011, 'again');
    expect(rec.closes).toEqual([{ code: 1011, reason: 'Internal error encountered.' }]);
    expect(conn.isOpen).toBe(false);
  });

  it('close() sends 1000 with a reason; other codes are coerced; send after close is typed', async () => {
    const { conn, socket, rec } = await opened();
    conn.close(1011, 'bye');
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'bye' });
    expect(() => conn.send({ type: 'text', text: 'late', realtime: true })).toThrow(
      ConnectionError,
    );
    try {
      conn.send({ type: 'text', text: 'late', realtime: true });
    } catch (e) {
      expect((e as ConnectionError).code).toBe('not-connected');
    }
    await tick();
    expect(rec.closes).toEqual([{ code: 1000, reason: 'bye' }]);
    const other = await opened();
    other.conn.close(4001, 'x'.repeat(200));
    expect(other.socket.closedWith?.code).toBe(4001);
    expect(new TextEncoder().encode(other.socket.closedWith?.reason).length).toBeLessThanOrEqual(
      123,
    );
  });

  it('feeds audio to the sink, strips its data, interrupts first and ends the turn last', async () => {
    const log: string[] = [];
    const sink: AudioSink = {
      push: (data, rate) => log.push(`push ${data} ${rate}`),
      interrupt: () => log.push('interrupt'),
      endTurn: () => log.push('endTurn'),
    };
    const { socket, rec } = await opened(sink);
    socket.serverSend({
      serverContent: {
        modelTurn: {
          parts: [
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } },
            { text: 'hi' },
            { inlineData: { mimeType: 'audio/pcm;rate=16000', data: 'AAE=' } },
          ],
        },
        outputTranscription: { text: 'hi' },
        turnComplete: true,
      },
    });
    expect(log).toEqual(['push AAAA 24000', 'push AAE= 16000', 'endTurn']);
    const { message, meta } = rec.messages[0]!;
    expect(meta.audioBytes).toBe(5);
    expect(message.serverContent?.modelTurn?.parts).toEqual([
      { inlineData: { mimeType: 'audio/pcm;rate=24000' } },
      { text: 'hi' },
      { inlineData: { mimeType: 'audio/pcm;rate=16000' } },
    ]);
  });

  it('interrupts playback in place, before the message is delivered', async () => {
    const log: string[] = [];
    const sink: AudioSink = {
      push: () => log.push('push'),
      interrupt: () => log.push('interrupt'),
      endTurn: () => log.push('endTurn'),
    };
    const { WebSocket, sockets } = fakeSocketClass();
    const atDelivery: string[][] = [];
    const handlers = { ...recorder().handlers, message: () => atDelivery.push([...log]) };
    const p = openConnection(PARAMS, handlers, { id: 1, WebSocket, playback: sink });
    sockets[0]!.serverOpen();
    sockets[0]!.serverSend({ setupComplete: {} });
    await p;
    sockets[0]!.serverSend({ serverContent: { interrupted: true } });
    expect(atDelivery).toEqual([['interrupt']]);
  });

  it('keeps audio data when there is no sink (direct transport) but still counts it', async () => {
    const { socket, rec } = await opened();
    const part = { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAAAAAA' } };
    socket.serverSend({ serverContent: { modelTurn: { parts: [part] } } });
    expect(rec.messages[0]!.meta.audioBytes).toBe(6);
    expect(rec.messages[0]!.message.serverContent?.modelTurn?.parts).toEqual([part]);
  });
});

describe('codec guards', () => {
  it('refuses legacy mediaChunks', () => {
    const legacy = { realtimeInput: { mediaChunks: [{ data: 'x', mimeType: 'audio/pcm' }] } };
    expect(() => encodeClientMessage(legacy as never)).toThrow(/mediaChunks/);
  });

  it('parseServerFrame throws ProtocolError on garbage and accepts binary JSON', () => {
    expect(() => parseServerFrame('nope')).toThrow(ProtocolError);
    expect(() => parseServerFrame('null')).toThrow(ProtocolError);
    expect(parseServerFrame(new TextEncoder().encode('{"a":1}').buffer)).toEqual({ a: 1 });
  });
});

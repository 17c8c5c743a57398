import { describe, expect, it, vi } from 'vitest';
import { ConnectionError, ProtocolError } from '../../src/core/errors.ts';
import {
  LIVE_AGENT_EVENT_TYPES,
  TypedEmitter,
  type LiveAgentEventType,
} from '../../src/core/events.ts';
import { createFakeSession } from '../../src/testing/index.ts';
import { ticks } from './core-helpers.ts';

describe('live-agent/testing fakes', () => {
  it('an app test: connect, play the model, inspect what the app sent', async () => {
    const { session, transport, media } = createFakeSession({
      tools: [{ name: 'add', handler: (a) => Number(a.x) + Number(a.y) }],
    });
    await session.connect();
    expect(media.running).toBe(true);
    transport.serverSend({
      toolCall: { functionCalls: [{ id: '1', name: 'add', args: { x: 2, y: 3 } }] },
    });
    await ticks();
    expect(transport.lastConnection.sentOf('toolResponse')).toEqual([
      { toolResponse: { functionResponses: [{ id: '1', name: 'add', response: { output: 5 } }] } },
    ]);
    expect(transport.sent).toHaveLength(1);
  });

  it('failNextOpen, numeric delaySetup, malformed frames and server close', async () => {
    vi.useFakeTimers();
    try {
      const { session, transport } = createFakeSession();
      transport.failNextOpen(ConnectionError.fromClose(1008, 'API key not valid'));
      await expect(session.connect()).rejects.toMatchObject({
        code: 'auth-rejected',
        closeCode: 1008,
      });
      transport.delaySetup = 500;
      const connecting = session.connect();
      await vi.advanceTimersByTimeAsync(499);
      expect(session.status).toBe('connecting');
      await vi.advanceTimersByTimeAsync(1);
      await connecting;
      const errors: unknown[] = [];
      session.on('error', (e) => errors.push(e.error));
      transport.lastConnection.serverSendMalformed('bad');
      expect(errors[0]).toBeInstanceOf(ProtocolError);
      transport.close(1007, 'Request contains an invalid argument.');
      expect(transport.connections[0]!.closed).toEqual({
        code: 1007,
        reason: 'Request contains an invalid argument.',
        by: 'server',
      });
      expect(session.status).toBe('error');
    } finally {
      vi.useRealTimers();
    }
  });

  it('lastConnection throws clearly before any connection', () => {
    const { transport } = createFakeSession();
    expect(() => transport.lastConnection).toThrow('no connection yet');
  });
});

describe('event map', () => {
  it('LIVE_AGENT_EVENT_TYPES has each key once, lowercase, and each is emitted by a session', async () => {
    // Completeness against LiveAgentEventMap is the compiler's job (events.ts); here: no
    // duplicates, DOM-event-friendly names, and every listed name can be listened to.
    expect(new Set(LIVE_AGENT_EVENT_TYPES).size).toBe(LIVE_AGENT_EVENT_TYPES.length);
    for (const type of LIVE_AGENT_EVENT_TYPES) expect(type).toMatch(/^[a-z]+$/);
    expect(Object.isFrozen(LIVE_AGENT_EVENT_TYPES)).toBe(true);
    const { session } = createFakeSession();
    const seen = new Set<LiveAgentEventType>();
    for (const type of LIVE_AGENT_EVENT_TYPES) session.on(type, () => seen.add(type));
    await session.connect();
    expect(seen).toEqual(new Set(['status', 'setupcomplete']));
  });

  it('a throwing listener does not stop the others; the error is rethrown asynchronously', async () => {
    const emitter = new TypedEmitter<{ ping: { n: number } }>();
    const seen: number[] = [];
    const offBad = emitter.on('ping', () => {
      throw new Error('listener bug');
    });
    const off = emitter.on('ping', (e) => seen.push(e.n));
    const deferred: (() => void)[] = [];
    const spy = vi
      .spyOn(globalThis, 'queueMicrotask')
      .mockImplementation((fn) => deferred.push(fn));
    emitter.emit('ping', { n: 1 });
    spy.mockRestore();
    expect(seen).toEqual([1]);
    expect(deferred).toHaveLength(1);
    expect(() => deferred[0]!()).toThrow('listener bug');
    offBad();
    emitter.emit('ping', { n: 2 });
    expect(seen).toEqual([1, 2]);
    off();
    emitter.emit('ping', { n: 3 });
    expect(seen).toEqual([1, 2]);
    expect(emitter.listenerCount('ping')).toBe(0);
  });
});

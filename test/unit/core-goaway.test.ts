import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '../../src/core/errors.ts';
import { LiveAgentSession } from '../../src/core/session.ts';
import { FakeTransport } from '../../src/testing/index.ts';
import { record, ticks } from './core-helpers.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function connected() {
  const transport = new FakeTransport();
  let n = 0;
  const session = new LiveAgentSession(
    { token: () => Promise.resolve(`auth_tokens/t${++n}`), reconnect: { baseDelayMs: 100 } },
    { transport },
  );
  await session.connect();
  transport.serverSend({ sessionResumptionUpdate: { newHandle: 'h7', resumable: true } });
  return { session, transport };
}

describe('goAway hand-off', () => {
  it('new token, second connection with the handle opened before the old closes, no flicker', async () => {
    const { session, transport } = await connected();
    const old = transport.lastConnection;
    const seen: string[] = [];
    session.on('status', (e) => seen.push(e.status));
    const events = record(session, ['goaway', 'resumed']);
    transport.delaySetup = true;
    transport.serverSend({ goAway: { timeLeft: '50s' } });
    expect(events).toEqual([['goaway', { timeLeftMs: 50_000 }]]);
    expect(session.getSnapshot().goAwayAt).toBe(1_000_000 + 50_000);
    await ticks();
    expect(transport.opens).toHaveLength(2);
    expect(transport.opens[1]!.credential.value).toBe('auth_tokens/t2');
    expect(transport.opens[1]!.resumeHandle).toBe('h7');
    // The old connection keeps working while the successor sets up.
    expect(old.closed).toBeNull();
    old.serverSend({ serverContent: { outputTranscription: { text: 'still here' } } });
    session.sendText('typed during hand-off');
    expect(old.sent).toHaveLength(1);
    const next = transport.completeSetup()!;
    await ticks();
    // The model is mid-reply on the old connection: the switch waits for its turn to end.
    expect(next.activated).toBe(false);
    expect(old.closed).toBeNull();
    old.serverSend({ serverContent: { turnComplete: true } });
    await ticks();
    expect(next.activatedSeq).not.toBeNull();
    expect(old.closedSeq).not.toBeNull();
    expect(next.activatedSeq!).toBeLessThan(old.closedSeq!);
    expect(old.closed).toEqual({ code: 1000, reason: 'handoff', by: 'client' });
    expect(events[1]).toEqual(['resumed', { handoff: true, gapMs: 0 }]);
    expect(seen).toEqual([]);
    expect(session.status).toBe('connected');
    expect(session.getSnapshot().goAwayAt).toBeNull();
    session.sendText('after');
    expect(next.sent).toHaveLength(1);
    expect(session.getSnapshot().transcript.map((t) => t.text)).toEqual([
      'still here',
      'typed during hand-off',
      'after',
    ]);
  });

  it('a busy model delays the switch at most until 1 s before the cut', async () => {
    const { session, transport } = await connected();
    const old = transport.lastConnection;
    const events = record(session, ['resumed']);
    transport.serverSend({ serverContent: { outputTranscription: { text: 'A long story' } } });
    transport.serverSend({ goAway: { timeLeft: '10s' } });
    await ticks();
    const next = transport.lastConnection;
    expect(next).not.toBe(old);
    await vi.advanceTimersByTimeAsync(8_999);
    expect(next.activated).toBe(false);
    expect(old.closed).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(next.activated).toBe(true);
    expect(old.closed?.code).toBe(1000);
    expect(events).toEqual([['resumed', { handoff: true, gapMs: 0 }]]);
  });

  it('a successor closed by the server while waiting is not switched to', async () => {
    const { session, transport } = await connected();
    const old = transport.lastConnection;
    const errors = record(session, ['error', 'resumed']);
    transport.serverSend({ serverContent: { outputTranscription: { text: 'Busy' } } });
    transport.serverSend({ goAway: { timeLeft: '10s' } });
    await ticks();
    const next = transport.lastConnection;
    next.serverClose(1011, 'Internal error encountered.');
    old.serverSend({ serverContent: { turnComplete: true } });
    await ticks();
    expect(next.activated).toBe(false);
    expect(old.closed).toBeNull();
    expect(session.status).toBe('connected');
    expect(errors.map(([type, e]) => [type, (e as { fatal?: boolean }).fatal])).toEqual([
      ['error', false],
    ]);
  });

  it('frames the successor sends before activation are delivered in order after the switch', async () => {
    const { session, transport } = await connected();
    transport.delaySetup = true;
    const seen: string[] = [];
    session.on('message', (e) => seen.push(JSON.stringify(e.message)));
    transport.serverSend({ goAway: { timeLeft: '10s' } });
    await ticks();
    seen.length = 0;
    // The transport resolves open() slightly after delivering an early frame.
    const pending = transport.completeSetup()!;
    pending.serverSend({ sessionResumptionUpdate: { newHandle: 'h8', resumable: true } });
    expect(seen).toEqual([]);
    await ticks();
    expect(seen).toEqual(['{"sessionResumptionUpdate":{"newHandle":"h8","resumable":true}}']);
  });

  it('the old connection dies mid hand-off: reconnecting until the successor is ready', async () => {
    const { session, transport } = await connected();
    const seen: string[] = [];
    session.on('status', (e) => seen.push(e.status));
    const events = record(session, ['resumed', 'reconnecting']);
    transport.delaySetup = true;
    transport.serverSend({ goAway: { timeLeft: '1s' } });
    await ticks();
    transport.connections[0]!.serverClose(
      1011,
      'Deadline expired before operation could complete.',
    );
    expect(session.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(300);
    transport.completeSetup();
    await ticks();
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(events).toEqual([['resumed', { handoff: true, gapMs: 300 }]]);
    expect(transport.opens).toHaveLength(2);
  });

  it('a failed hand-off is a non-fatal error; the later drop reconnects normally', async () => {
    const { session, transport } = await connected();
    const errors = record(session, ['error']);
    transport.failNextOpen(ConnectionError.fromClose(1011, 'busy'));
    transport.serverSend({ goAway: { timeLeft: '5s' } });
    await ticks();
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toMatchObject({ fatal: false });
    expect(session.status).toBe('connected');
    transport.connections[0]!.serverClose(1011);
    await vi.advanceTimersByTimeAsync(200);
    expect(session.status).toBe('connected');
    expect(transport.opens[2]!.resumeHandle).toBe('h7');
  });

  it('reconnect: false disables the hand-off', async () => {
    const transport = new FakeTransport();
    const session = new LiveAgentSession(
      { token: 'auth_tokens/x', reconnect: false },
      { transport },
    );
    await session.connect();
    transport.serverSend({ goAway: { timeLeft: '50s' } });
    await ticks();
    expect(transport.opens).toHaveLength(1);
    expect(session.getSnapshot().goAwayAt).toBe(1_000_000 + 50_000);
  });

  it('disconnect during a hand-off closes the successor when it lands', async () => {
    const { session, transport } = await connected();
    transport.delaySetup = true;
    transport.serverSend({ goAway: { timeLeft: '50s' } });
    await ticks();
    await session.disconnect();
    const late = transport.completeSetup()!;
    await ticks();
    expect(late.activated).toBe(false);
    expect(late.closed?.by).toBe('client');
    expect(session.status).toBe('closed');
  });
});

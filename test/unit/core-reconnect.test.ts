import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError, ConnectionError, type LiveAgentError } from '../../src/core/errors.ts';
import { ReconnectPolicy } from '../../src/core/reconnect.ts';
import { LiveAgentSession } from '../../src/core/session.ts';
import { FakeMedia, FakeTransport } from '../../src/testing/index.ts';
import { record } from './core-helpers.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A session whose token provider hands out auth_tokens/t1, t2, … (one per connection attempt). */
async function connectedSession() {
  const transport = new FakeTransport();
  const media = new FakeMedia();
  let n = 0;
  const token = vi.fn(() => Promise.resolve(`auth_tokens/t${++n}`));
  const session = new LiveAgentSession(
    { token, reconnect: { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 3 } },
    { transport, media },
  );
  await session.connect();
  return { session, transport, media, token };
}

const resumable = (handle: string) => ({
  sessionResumptionUpdate: { newHandle: handle, resumable: true },
});

describe('ReconnectPolicy', () => {
  it('full jitter within [0, min(max, base·2^(n-1))), attempts capped', () => {
    const low = new ReconnectPolicy({ baseDelayMs: 250, maxDelayMs: 8000 }, () => 0);
    const high = new ReconnectPolicy({ baseDelayMs: 250, maxDelayMs: 8000 }, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => high.ceilingFor(n))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(low.delayFor(3)).toBe(0);
    expect(high.delayFor(3)).toBe(999);
    expect(high.delayFor(9)).toBe(7999);
    const p = new ReconnectPolicy(undefined);
    const retryable = ConnectionError.fromClose(1011, '');
    expect([p.maxAttempts, p.baseDelayMs, p.maxDelayMs]).toEqual([5, 250, 8000]);
    expect(p.shouldRetry(retryable, 5)).toBe(true);
    expect(p.shouldRetry(retryable, 6)).toBe(false);
    expect(p.shouldRetry(ConnectionError.fromClose(1008, ''), 1)).toBe(false);
    expect(new ReconnectPolicy(false).shouldRetry(retryable, 1)).toBe(false);
  });
});

describe('reconnect after drops', () => {
  it('1011 → reconnecting, then resumed with the last resumable handle and a new token', async () => {
    const { session, transport } = await connectedSession();
    const seen: string[] = [];
    session.on('status', (e) => seen.push(e.status));
    const events = record(session, ['reconnecting', 'resumed']);
    transport.serverSend(resumable('h1'));
    transport.serverSend({ sessionResumptionUpdate: { newHandle: 'h-not', resumable: false } });
    expect(session.getSnapshot().sessionResumable).toBe(true);
    transport.close(1011, 'Internal error encountered.');
    expect(session.status).toBe('reconnecting');
    expect(events[0]![0]).toBe('reconnecting');
    const ev = events[0]![1] as { attempt: number; delayMs: number; cause: ConnectionError };
    expect([ev.attempt, ev.delayMs, ev.cause.code, ev.cause.closeCode]).toEqual([
      1,
      50,
      'server-error',
      1011,
    ]);
    expect(session.getSnapshot().reconnectAttempt).toBe(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(transport.opens).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.opens).toHaveLength(2);
    const params = transport.opens[1]!;
    expect(params.credential.value).toBe('auth_tokens/t2');
    expect(params.resumeHandle).toBe('h1');
    expect(params.config.sessionResumption).toEqual({ handle: 'h1' });
    expect(session.status).toBe('connected');
    expect(transport.lastConnection.activated).toBe(true);
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(events[1]).toEqual(['resumed', { handoff: false, gapMs: 50 }]);
    expect(session.getSnapshot().reconnectAttempt).toBe(0);
  });

  it('1006 (socket died) is retryable too', async () => {
    const { session, transport } = await connectedSession();
    transport.close(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.status).toBe('connected');
    expect(transport.connections).toHaveLength(2);
  });

  it('1008 is fatal: status error with the server reason, no retry', async () => {
    const { session, transport, media } = await connectedSession();
    const errors = record(session, ['error']);
    transport.close(1008, 'Operation is not implemented, or supported, or enabled.');
    const error = session.getSnapshot().error as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect([error.code, error.closeCode, error.reason]).toEqual([
      'auth-rejected',
      1008,
      'Operation is not implemented, or supported, or enabled.',
    ]);
    expect(session.status).toBe('error');
    expect(errors).toEqual([['error', { error, fatal: true }]]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.opens).toHaveLength(1);
    expect(media.closed).toBe(1);
  });

  it('1007 is fatal (invalid-request)', async () => {
    const { session, transport } = await connectedSession();
    transport.close(1007, 'Request contains an invalid argument.');
    expect(session.getSnapshot().error?.code).toBe('invalid-request');
  });

  it('attempts exhausted → error with the last cause; backoff ceilings double', async () => {
    const { session, transport } = await connectedSession();
    const events = record(session, ['reconnecting']);
    transport.close(1011);
    for (let i = 0; i < 3; i++) transport.failNextOpen(ConnectionError.fromClose(1006, 'net down'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.map(([, e]) => [e.attempt, e.delayMs])).toEqual([
      [1, 50],
      [2, 100],
      [3, 200],
    ]);
    expect(transport.opens).toHaveLength(4);
    expect(session.status).toBe('error');
    const error = session.getSnapshot().error as ConnectionError;
    expect([error.code, error.closeCode, error.reason]).toEqual([
      'connection-lost',
      1006,
      'net down',
    ]);
  });

  it('a token fetch failure is retried up to the cap; the token never shows in errors', async () => {
    const transport = new FakeTransport();
    let calls = 0;
    const fetchFn = vi.fn(() => {
      calls++;
      if (calls === 2) return Promise.reject(new TypeError('Failed to fetch'));
      return Promise.resolve(new Response(JSON.stringify({ token: `auth_tokens/secret${calls}` })));
    });
    const session = new LiveAgentSession(
      { token: { url: '/t' }, reconnect: { baseDelayMs: 100, maxAttempts: 3 } },
      { transport, fetch: fetchFn as unknown as typeof fetch },
    );
    const events = record(session, ['reconnecting', 'error']);
    await session.connect();
    transport.close(1011, 'Internal error encountered.');
    await vi.advanceTimersByTimeAsync(5000);
    expect(session.status).toBe('connected');
    expect(fetchFn).toHaveBeenCalledTimes(3);
    expect(transport.opens.map((p) => p.credential.value)).toEqual([
      'auth_tokens/secret1',
      'auth_tokens/secret3',
    ]);
    const second = events[1]![1] as { cause: LiveAgentError };
    expect(second.cause.code).toBe('token-fetch-failed');
    expect(
      JSON.stringify(events.map(([, e]) => String((e as { cause: Error }).cause?.message))),
    ).not.toContain('secret');
  });

  it('an invalid token on reconnect is fatal (not retryable)', async () => {
    const { session, transport, token } = await connectedSession();
    token.mockImplementationOnce(() => Promise.resolve('not a token'));
    transport.close(1011);
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.status).toBe('error');
    expect(session.getSnapshot().error).toBeInstanceOf(AuthError);
    expect(session.getSnapshot().error?.code).toBe('token-invalid');
  });

  it('a setup timeout during reconnect is retried', async () => {
    const { session, transport } = await connectedSession();
    transport.close(1011);
    transport.delaySetup = true;
    const events = record(session, ['reconnecting']);
    await vi.advanceTimersByTimeAsync(50 + 15_000);
    expect(session.status).toBe('reconnecting');
    expect(session.getSnapshot().reconnectAttempt).toBe(2);
    expect((events[0]![1] as { cause: LiveAgentError }).cause.code).toBe('connect-timeout');
    transport.delaySetup = false;
    await vi.advanceTimersByTimeAsync(200);
    expect(session.status).toBe('connected');
  });

  it('disconnect during backoff stops the loop: no late open, no status flip', async () => {
    const { session, transport } = await connectedSession();
    transport.close(1011);
    await session.disconnect();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.opens).toHaveLength(1);
    expect(session.status).toBe('closed');
  });

  it('reconnect: false → a drop is fatal with the retryable cause', async () => {
    const transport2 = new FakeTransport();
    const s2 = new LiveAgentSession(
      { token: 'auth_tokens/x', reconnect: false },
      { transport: transport2 },
    );
    await s2.connect();
    transport2.close(1011, 'Internal error encountered.');
    expect(s2.status).toBe('error');
    expect(s2.getSnapshot().error?.code).toBe('server-error');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport2.opens).toHaveLength(1);
  });

  it('tool responses produced while reconnecting are sent after resuming', async () => {
    const transport = new FakeTransport();
    let finish!: (v: unknown) => void;
    const session = new LiveAgentSession(
      {
        token: 'auth_tokens/x',
        reconnect: { baseDelayMs: 100 },
        tools: [{ name: 'slow', handler: () => new Promise((r) => (finish = r)) }],
      },
      { transport },
    );
    await session.connect();
    transport.serverSend({ toolCall: { functionCalls: [{ id: 'k1', name: 'slow' }] } });
    transport.close(1011);
    finish('done');
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(session.status).toBe('connected');
    expect(transport.lastConnection.sent).toEqual([
      {
        toolResponse: {
          functionResponses: [{ id: 'k1', name: 'slow', response: { output: 'done' } }],
        },
      },
    ]);
  });
});

describe('connect() while reconnecting', () => {
  it('waits for the running reconnect instead of starting a new session', async () => {
    const transport = new FakeTransport();
    const session = new LiveAgentSession(
      { token: 'auth_tokens/x', reconnect: { baseDelayMs: 100 } },
      { transport },
    );
    await session.connect();
    transport.serverSend({ sessionResumptionUpdate: { newHandle: 'keep', resumable: true } });
    transport.close(1011);
    let done = false;
    const joined = session.connect().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(49);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await joined;
    expect(transport.opens).toHaveLength(2);
    expect(transport.opens[1]!.resumeHandle).toBe('keep');
  });

  it('rejects with the final error when the reconnect gives up', async () => {
    const transport = new FakeTransport();
    const session = new LiveAgentSession(
      { token: 'auth_tokens/x', reconnect: { baseDelayMs: 100, maxAttempts: 1 } },
      { transport },
    );
    await session.connect();
    transport.close(1011);
    transport.failNextOpen(ConnectionError.fromClose(1008, 'token expired'));
    const joined = session.connect().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(((await joined) as ConnectionError).reason).toBe('token expired');
    expect(session.status).toBe('error');
  });
});

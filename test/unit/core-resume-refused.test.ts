/**
 * A resumption handle the server refuses (unknown or expired: it closes the socket during setup
 * with 1008) must not end the conversation: the session reconnects once without the handle, says
 * so with a non-fatal `context-lost` error, and goes on; only a refused fresh session is fatal.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError, type LiveAgentError } from '../../src/core/errors.ts';
import { LiveAgentSession } from '../../src/core/session.ts';
import type { LiveAgentOptions } from '../../src/core/types.ts';
import { FakeTransport } from '../../src/testing/index.ts';
import { record, statuses, ticks } from './core-helpers.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const REFUSED = 'Session resumption handle is invalid or expired.';
const refusal = () => ConnectionError.fromClose(1008, REFUSED);

function newSession(options: Partial<LiveAgentOptions> = {}) {
  const transport = new FakeTransport();
  let n = 0;
  const session = new LiveAgentSession(
    {
      token: () => Promise.resolve(`auth_tokens/t${++n}`),
      reconnect: { baseDelayMs: 100, maxAttempts: 3 },
      ...options,
    },
    { transport },
  );
  return { session, transport };
}

async function connectedWithHandle(options: Partial<LiveAgentOptions> = {}) {
  const kit = newSession(options);
  await kit.session.connect();
  kit.transport.serverSend({ sessionResumptionUpdate: { newHandle: 'h1', resumable: true } });
  return kit;
}

type ErrorEvent = { error: LiveAgentError; fatal: boolean };

function expectContextLost(event: unknown): void {
  const { error, fatal } = event as ErrorEvent;
  expect(fatal).toBe(false);
  expect(error).toBeInstanceOf(ConnectionError);
  expect([error.code, (error as ConnectionError).closeCode]).toEqual(['context-lost', 1008]);
  expect((error as ConnectionError).reason).toBe(REFUSED);
  expect(error.message).toMatch(/refused the resumption handle.*without the earlier context/);
}

describe('a refused resumption handle', () => {
  it('after a drop: one fresh attempt without the handle, context-lost, then resumed', async () => {
    const { session, transport } = await connectedWithHandle();
    const seen = statuses(session);
    const events = record(session, ['error', 'resumed']);
    transport.failNextOpen(refusal());
    transport.close(1011, 'Internal error encountered.');
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.status).toBe('connected');
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(transport.opens.map((p) => p.resumeHandle)).toEqual([undefined, 'h1', undefined]);
    expect(transport.opens[2]!.config.sessionResumption).toEqual({});
    expect(transport.opens[2]!.credential.value).toBe('auth_tokens/t3');
    expect(events.map(([type]) => type)).toEqual(['error', 'resumed']);
    expectContextLost(events[0]![1]);
    expect(session.getSnapshot().error).toBeNull();
    // The refused handle is forgotten: the next drop resumes with whatever the new session gives.
    transport.serverSend({ sessionResumptionUpdate: { newHandle: 'h2', resumable: true } });
    transport.close(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.opens.map((p) => p.resumeHandle)).toEqual([undefined, 'h1', undefined, 'h2']);
    expect(events).toHaveLength(3);
  });

  it('a fresh session refused as well is a real error (no loop)', async () => {
    const { session, transport } = await connectedWithHandle();
    const errors = record(session, ['error']);
    transport.failNextOpen(refusal());
    transport.failNextOpen(ConnectionError.fromClose(1008, 'API key not valid.'));
    transport.close(1011);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(session.status).toBe('error');
    expect(transport.opens.map((p) => p.resumeHandle)).toEqual([undefined, 'h1', undefined]);
    expect(errors).toHaveLength(1);
    const { error, fatal } = errors[0]![1];
    expect([error.code, fatal, (error as ConnectionError).reason]).toEqual([
      'auth-rejected',
      true,
      'API key not valid.',
    ]);
  });

  it('without a handle a 1008 on reconnect stays fatal at once', async () => {
    const { session, transport } = newSession();
    await session.connect();
    transport.failNextOpen(refusal());
    transport.close(1011);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(session.status).toBe('error');
    expect(transport.opens).toHaveLength(2);
  });

  it('a retryable failure of the fresh attempt still reports context-lost once connected', async () => {
    const { session, transport } = await connectedWithHandle();
    const events = record(session, ['error', 'resumed']);
    transport.failNextOpen(refusal());
    transport.failNextOpen(ConnectionError.fromClose(1006, 'net down'));
    transport.close(1011);
    await vi.advanceTimersByTimeAsync(5000);
    expect(session.status).toBe('connected');
    expect(transport.opens.map((p) => p.resumeHandle)).toEqual([
      undefined,
      'h1',
      undefined,
      undefined,
    ]);
    expect(events.map(([type]) => type)).toEqual(['error', 'resumed']);
    expectContextLost(events[0]![1]);
  });

  it('the handle given in config on the first connect: a fresh session, context-lost', async () => {
    const { session, transport } = newSession({ config: { sessionResumption: { handle: 'old' } } });
    const events = record(session, ['setupcomplete', 'error']);
    transport.failNextOpen(refusal());
    await session.connect();
    expect(session.status).toBe('connected');
    expect(transport.opens.map((p) => p.resumeHandle)).toEqual(['old', undefined]);
    expect(transport.opens[1]!.config.sessionResumption).toEqual({});
    expect(events.map(([type]) => type)).toEqual(['setupcomplete', 'error']);
    expectContextLost(events[1]![1]);
  });

  it('calls of the lost session: pending ones aborted, queued answers dropped', async () => {
    const signals: AbortSignal[] = [];
    const answers: ((value: unknown) => void)[] = [];
    const { session, transport } = await connectedWithHandle({
      tools: [
        {
          name: 'slow',
          handler: (_args, ctx) => {
            signals.push(ctx.signal);
            return new Promise((resolve) => answers.push(resolve));
          },
        },
      ],
    });
    const calls = ['c1', 'c2'].map((id) => ({ id, name: 'slow', args: {} }));
    transport.serverSend({ toolCall: { functionCalls: calls } });
    await ticks();
    expect(session.getSnapshot().pendingToolCalls).toHaveLength(2);
    transport.failNextOpen(refusal());
    transport.close(1011);
    // c1 is answered while no connection is up: its response waits in the outbox.
    answers[0]!({ done: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.status).toBe('connected');
    expect(signals.map((s) => s.aborted)).toEqual([false, true]);
    answers[1]!({ late: true });
    await ticks();
    expect(session.getSnapshot().pendingToolCalls).toEqual([]);
    expect(transport.lastConnection.sent.filter((m) => 'toolResponse' in m)).toEqual([]);
  });

  it('a goAway hand-off whose handle is refused switches to a fresh session', async () => {
    const { session, transport } = await connectedWithHandle();
    const old = transport.lastConnection;
    const seen = statuses(session);
    const events = record(session, ['error', 'resumed']);
    transport.failNextOpen(refusal());
    transport.serverSend({ goAway: { timeLeft: '10s' } });
    await vi.advanceTimersByTimeAsync(10);
    expect(transport.opens.map((p) => p.resumeHandle)).toEqual([undefined, 'h1', undefined]);
    expect(old.closed).toEqual({ code: 1000, reason: 'handoff', by: 'client' });
    expect(seen).toEqual([]);
    expect(events.map(([type]) => type)).toEqual(['error', 'resumed']);
    expectContextLost(events[0]![1]);
    expect(events[1]![1]).toEqual({ handoff: true, gapMs: 0 });
  });
});

/**
 * The error codes the session produces besides connection failures: `session-limit` when the
 * server ends a session at its limit, `tool-failed` when a tool cannot be answered with a result,
 * `autoplay-blocked` when model audio arrives while the browser blocks playback.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveAgentError } from '../../src/core/errors.ts';
import { SessionLimitError } from '../../src/core/errors.ts';
import { classifyClose, SESSION_LIMIT_MS } from '../../src/core/reconnect.ts';
import { createFakeSession } from '../../src/testing/index.ts';
import { record, statuses, ticks } from './core-helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

const AUDIO = { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' };
const audioFrame = { serverContent: { modelTurn: { parts: [{ inlineData: AUDIO }] } } };

describe('session-limit', () => {
  it('classifies a retryable close at the limit, never a fatal one or a compressed session', () => {
    const close = { code: 1011, reason: 'Deadline expired before operation could complete.' };
    const at = (elapsedMs: number, video = false, compressed = false) =>
      classifyClose(close, { elapsedMs, video, compressed });
    expect(at(SESSION_LIMIT_MS.audio)).toBeInstanceOf(SessionLimitError);
    expect(at(SESSION_LIMIT_MS.audio).retryable).toBe(false);
    expect(at(5 * 60_000)).not.toBeInstanceOf(SessionLimitError);
    expect(at(SESSION_LIMIT_MS.video, true).code).toBe('session-limit');
    expect(at(SESSION_LIMIT_MS.video, false).code).toBe('server-error');
    expect(at(SESSION_LIMIT_MS.audio, false, true).code).toBe('server-error');
    expect(
      classifyClose({ code: 1008, reason: '' }, { elapsedMs: 1e9, video: false, compressed: false })
        .code,
    ).toBe('auth-rejected');
  });

  it('a server close after 15 minutes ends the session with SessionLimitError, no reconnect', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { session, transport } = createFakeSession();
    const seen = statuses(session);
    const errors = record(session, ['error']);
    const connected = session.connect();
    await vi.advanceTimersByTimeAsync(0);
    await connected;
    vi.setSystemTime(1_000_000 + SESSION_LIMIT_MS.audio);
    transport.close(1011, 'Deadline expired before operation could complete.');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['connecting', 'connected', 'error']);
    const [[, { error, fatal }]] = errors as [['error', { error: LiveAgentError; fatal: boolean }]];
    expect(error).toBeInstanceOf(SessionLimitError);
    expect([error.code, fatal]).toEqual(['session-limit', true]);
    expect(session.getSnapshot().error?.code).toBe('session-limit');
    expect(transport.opens).toHaveLength(1);
  });

  it('the same close early in a session reconnects as before', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { session, transport } = createFakeSession();
    const connected = session.connect();
    await vi.advanceTimersByTimeAsync(0);
    await connected;
    vi.setSystemTime(1_000_000 + 60_000);
    transport.close(1011, 'Internal error encountered.');
    await vi.advanceTimersByTimeAsync(200);
    expect(session.status).toBe('connected');
    expect(transport.opens).toHaveLength(2);
  });
});

describe('tool-failed', () => {
  it('a throwing handler, a timeout and an unknown tool each report tool-failed and answer the model', async () => {
    const { session, transport } = createFakeSession({
      tools: [
        {
          name: 'broken',
          handler: () => {
            throw new Error('no database');
          },
        },
        { name: 'slow', timeoutMs: 20, handler: () => new Promise(() => {}) },
      ],
    });
    const errors = record(session, ['error']);
    await session.connect();
    transport.serverSend({
      toolCall: {
        functionCalls: [
          { id: 'a', name: 'broken' },
          { id: 'b', name: 'slow' },
          { id: 'c', name: 'missing' },
        ],
      },
    });
    await expect.poll(() => errors.length).toBe(3);
    expect(errors.map(([, e]) => [e.error.code, e.fatal, e.error.message])).toEqual([
      ['tool-failed', false, 'Unknown tool "missing"'],
      ['tool-failed', false, 'no database'],
      ['tool-failed', false, 'Tool "slow" timed out after 20 ms'],
    ]);
    const responses = transport.lastConnection
      .sentOf('toolResponse')
      .map((m) => (m as { toolResponse: { functionResponses: { id: string }[] } }).toolResponse)
      .flatMap((r) => r.functionResponses.map((f) => f.id));
    expect(responses.sort()).toEqual(['a', 'b', 'c']);
  });

  it('a handler that returns reports nothing', async () => {
    const { session, transport } = createFakeSession({
      tools: [{ name: 'ok', handler: () => 42 }],
    });
    const errors = record(session, ['error']);
    await session.connect();
    transport.serverSend({ toolCall: { functionCalls: [{ id: 'a', name: 'ok' }] } });
    await ticks();
    expect(transport.lastConnection.sentOf('toolResponse')).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

describe('autoplay-blocked', () => {
  it('model audio while a gesture is needed reports autoplay-blocked once per wait', async () => {
    const { session, transport, media } = createFakeSession();
    const errors = record(session, ['error']);
    await session.connect();
    transport.serverSend(audioFrame);
    expect(errors).toEqual([]);
    media.setNeedsGesture(true);
    transport.serverSend(audioFrame);
    transport.serverSend(audioFrame);
    expect(errors.map(([, e]) => [e.error.code, e.fatal])).toEqual([['autoplay-blocked', false]]);
    media.setNeedsGesture(false);
    media.setNeedsGesture(true);
    transport.serverSend(audioFrame);
    expect(errors).toHaveLength(2);
  });
});

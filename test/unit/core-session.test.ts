import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  ConnectionError,
  MediaError,
  type LiveAgentError,
} from '../../src/core/errors.ts';
import { LiveAgentSession } from '../../src/core/session.ts';
import { createFakeSession, FakeMedia, FakeTransport } from '../../src/testing/index.ts';
import { record, statuses, ticks } from './core-helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveAgentSession lifecycle', () => {
  it('connects: media started and attached, open params, activate, status connected', async () => {
    const { session, transport, media } = createFakeSession({
      model: 'gemini-test',
      endpoint: 'http://127.0.0.1:9',
      config: { responseModalities: ['AUDIO' as never], temperature: 0.5 },
      tools: [
        { name: 'get_time', description: 'Time', behavior: 'NON_BLOCKING', handler: () => 1 },
      ],
      connectTimeoutMs: 5000,
    });
    media.ports = { capture: { port: {} as MessagePort, sampleRate: 48000 } };
    const seen = statuses(session);
    const setup = record(session, ['setupcomplete']);
    transport.setupCompletePayload = { sessionId: 'abc' };
    await session.connect();
    expect(seen).toEqual(['connecting', 'connected']);
    expect(session.status).toBe('connected');
    expect(media.started).toBe(1);
    expect(transport.attached).toEqual([media.ports]);
    expect(transport.opens).toEqual([
      {
        endpoint: 'http://127.0.0.1:9',
        credential: { kind: 'token', value: 'auth_tokens/fake-token' },
        model: 'gemini-test',
        config: { responseModalities: ['AUDIO'], temperature: 0.5, sessionResumption: {} },
        functionDeclarations: [{ name: 'get_time', description: 'Time', behavior: 'NON_BLOCKING' }],
        connectTimeoutMs: 5000,
      },
    ]);
    expect(transport.lastConnection.activated).toBe(true);
    expect(setup).toEqual([['setupcomplete', { sessionId: 'abc' }]]);
    expect(session.getSnapshot().status).toBe('connected');
  });

  it('defaults endpoint, model and timeout', async () => {
    const transport = new FakeTransport();
    const session = new LiveAgentSession({ token: 'auth_tokens/x' }, { transport });
    await session.connect();
    const p = transport.opens[0]!;
    expect([p.endpoint, p.model, p.connectTimeoutMs]).toEqual([
      'https://generativelanguage.googleapis.com',
      'gemini-3.8-live',
      15000,
    ]);
  });

  it('starts media in parallel with the token fetch', async () => {
    const transport = new FakeTransport();
    const media = new FakeMedia();
    let release!: (t: string) => void;
    const session = new LiveAgentSession(
      { token: () => new Promise<string>((r) => (release = r)) },
      { transport, media },
    );
    const connecting = session.connect();
    await ticks();
    expect(media.started).toBe(1);
    expect(transport.attached).toHaveLength(1);
    expect(transport.opens).toHaveLength(0);
    release('auth_tokens/late');
    await connecting;
    expect(transport.opens[0]!.credential.value).toBe('auth_tokens/late');
  });

  it('push-to-talk disables server VAD without touching the user config', async () => {
    const config = { realtimeInputConfig: { automaticActivityDetection: { prefixPaddingMs: 20 } } };
    const { session, transport } = createFakeSession({ mode: 'push-to-talk', config });
    await session.connect();
    expect(transport.opens[0]!.config.realtimeInputConfig).toEqual({
      automaticActivityDetection: { prefixPaddingMs: 20, disabled: true },
    });
    expect(config.realtimeInputConfig.automaticActivityDetection).toEqual({ prefixPaddingMs: 20 });
    session.startActivity();
    session.endActivity();
    expect(transport.lastConnection.sent).toEqual([
      { realtimeInput: { activityStart: {} } },
      { realtimeInput: { activityEnd: {} } },
    ]);
  });

  it('refuses startActivity in vad mode and sends when not connected', async () => {
    const { session } = createFakeSession();
    expect(() => session.sendText('hi')).toThrowError(
      expect.objectContaining({ code: 'not-connected' }) as Error,
    );
    await session.connect();
    expect(() => session.startActivity()).toThrowError(
      expect.objectContaining({ code: 'invalid-request' }) as Error,
    );
  });

  it('sendText sends clientContent with turnComplete and adds a final user turn', async () => {
    const { session, transport } = createFakeSession();
    await session.connect();
    session.sendText('Hello');
    session.sendRealtimeText('typing');
    expect(transport.lastConnection.sent).toEqual([
      {
        clientContent: {
          turns: [{ role: 'user', parts: [{ text: 'Hello' }] }],
          turnComplete: true,
        },
      },
      { realtimeInput: { text: 'typing' } },
    ]);
    const [turn] = session.getSnapshot().transcript;
    expect(turn).toMatchObject({ role: 'user', text: 'Hello', final: true, interrupted: false });
  });

  it('first connect fails fast on a setup timeout (no retry)', async () => {
    vi.useFakeTimers();
    const { session, transport } = createFakeSession({ connectTimeoutMs: 3000 });
    transport.delaySetup = true;
    const errors = record(session, ['error']);
    const result = session.connect().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3000);
    const error = (await result) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('connect-timeout');
    expect(session.status).toBe('error');
    expect(session.getSnapshot().error).toBe(error);
    expect(errors).toEqual([['error', { error, fatal: true }]]);
    expect(transport.opens).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.opens).toHaveLength(1);
  });

  it('disconnect during token fetch cancels cleanly: no late status flip, fetch aborted', async () => {
    const transport = new FakeTransport();
    const media = new FakeMedia();
    let signal: AbortSignal | undefined;
    const fetchFn = vi.fn((_url: unknown, init?: RequestInit) => {
      signal = init?.signal ?? undefined;
      return new Promise<Response>(() => undefined);
    });
    const session = new LiveAgentSession(
      { token: { url: '/token' } },
      { transport, media, fetch: fetchFn as unknown as typeof fetch },
    );
    const seen = statuses(session);
    const result = session.connect().catch((e: unknown) => e);
    await ticks();
    await session.disconnect();
    const error = (await result) as LiveAgentError;
    expect(error.code).toBe('aborted');
    expect(signal?.aborted).toBe(true);
    await ticks();
    expect(seen).toEqual(['connecting', 'closed']);
    expect(transport.opens).toHaveLength(0);
    expect(media.closed).toBe(1);
  });

  it('disconnect while setup is pending closes the late connection', async () => {
    const { session, transport } = createFakeSession();
    transport.delaySetup = true;
    const seen = statuses(session);
    const result = session.connect().catch((e: unknown) => e);
    await ticks();
    expect(transport.pendingOpens).toBe(1);
    await session.disconnect();
    expect(((await result) as LiveAgentError).code).toBe('aborted');
    const late = transport.completeSetup()!;
    await ticks();
    expect(late.closed).toEqual({ code: 1000, reason: 'cancelled', by: 'client' });
    expect(late.activated).toBe(false);
    expect(seen).toEqual(['connecting', 'closed']);
  });

  it('disconnect closes the connection with 1000 and stops media; connect works again', async () => {
    const { session, transport, media } = createFakeSession();
    await session.connect();
    const first = transport.lastConnection;
    await session.disconnect();
    expect(first.closed).toEqual({ code: 1000, reason: 'client disconnect', by: 'client' });
    expect(media.closed).toBe(1);
    expect(transport.releases).toBe(1); // the worker goes too, after media
    expect(session.status).toBe('closed');
    await session.connect();
    expect(transport.connections).toHaveLength(2);
    expect(media.started).toBe(2);
    expect(session.status).toBe('connected');
  });

  it('connect() right after a cancelling disconnect() starts a new attempt', async () => {
    const { session, transport } = createFakeSession();
    transport.delaySetup = true;
    const first = session.connect().catch((e: unknown) => e);
    await ticks();
    const disconnecting = session.disconnect();
    transport.delaySetup = false;
    const second = session.connect();
    await disconnecting;
    await second;
    expect(((await first) as LiveAgentError).code).toBe('aborted');
    expect(session.status).toBe('connected');
    expect(transport.connections.filter((c) => c.activated)).toHaveLength(1);
  });

  it('a microphone that opens after disconnect() is closed again', async () => {
    const transport = new FakeTransport();
    const media = new FakeMedia();
    let open!: () => void;
    media.start = () => {
      media.started++;
      return new Promise((resolve) => (open = () => resolve({})));
    };
    const session = new LiveAgentSession({ token: 'auth_tokens/x' }, { transport, media });
    const result = session.connect().catch((e: unknown) => e);
    await ticks();
    await session.disconnect();
    expect(media.closed).toBe(1);
    open();
    await ticks();
    expect(media.closed).toBe(2);
    expect(transport.attached).toEqual([]);
    expect(((await result) as LiveAgentError).code).toBe('aborted');
    expect(session.status).toBe('closed');
  });

  it('concurrent connect() calls share one attempt', async () => {
    const { session, transport } = createFakeSession();
    await Promise.all([session.connect(), session.connect()]);
    await session.connect();
    expect(transport.opens).toHaveLength(1);
  });

  it('a denied microphone fails connect with the MediaError and closes the socket', async () => {
    const { session, transport, media } = createFakeSession();
    media.failNextStart(MediaError.denied());
    const error = (await session.connect().catch((e: unknown) => e)) as MediaError;
    expect(error.code).toBe('mic-denied');
    expect(session.status).toBe('error');
    await ticks();
    expect(transport.lastConnection.closed?.by).toBe('client');
    expect(transport.releases).toBe(1);
  });

  it('a fatal close releases the transport; a reconnect does not', async () => {
    const { session, transport } = createFakeSession();
    await session.connect();
    transport.close(1011, 'internal');
    await ticks();
    expect(session.status).toBe('reconnecting');
    expect(transport.releases).toBe(0); // the worker keeps the buffered microphone audio
    await vi.waitFor(() => expect(session.status).toBe('connected'));
    transport.close(1008, 'token expired');
    await ticks();
    expect(session.status).toBe('error');
    expect(transport.releases).toBe(1);
  });

  it('a refused API key fails connect with api-key-refused, without opening a socket', async () => {
    const transport = new FakeTransport();
    const session = new LiveAgentSession(
      { token: 'AIzaSyA1234567890abcdefghijklmnopqrstuv' },
      { transport },
    );
    const error = (await session.connect().catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('api-key-refused');
    expect(transport.opens).toHaveLength(0);
    expect(session.getSnapshot()).toMatchObject({ status: 'error', error });
  });

  it('mic toggles reach media and transport; levels come from media', async () => {
    const { session, transport, media } = createFakeSession();
    media.levels = { input: { rms: 0.5, peak: 0.9 }, output: { rms: 0.1, peak: 0.2 } };
    session.setMicEnabled(false);
    expect(session.getSnapshot().micEnabled).toBe(false);
    expect(media.micCalls).toEqual([false]);
    expect(transport.micCalls).toEqual([false]);
    expect(session.getLevels()).toEqual(media.levels);
    const bare = new LiveAgentSession(
      { token: 'auth_tokens/x' },
      { transport: new FakeTransport() },
    );
    expect(bare.getLevels()).toEqual({ input: { rms: 0, peak: 0 }, output: { rms: 0, peak: 0 } });
  });

  it('autoplay: needs-gesture from media → snapshot + gesture event; resumeAudio clears it', async () => {
    const { session, media } = createFakeSession();
    const events = record(session, ['gesture']);
    await session.connect();
    media.setNeedsGesture(true);
    expect(session.getSnapshot().needsGesture).toBe(true);
    await session.resumeAudio();
    expect(media.resumed).toBe(1);
    expect(session.getSnapshot().needsGesture).toBe(false);
    expect(events).toEqual([
      ['gesture', { needsGesture: true }],
      ['gesture', { needsGesture: false }],
    ]);
  });

  it('dispose disconnects, disposes the transport and drops listeners', async () => {
    const { session, transport } = createFakeSession();
    await session.connect();
    const seen = statuses(session);
    session.dispose();
    await ticks();
    expect(seen).toEqual(['closed']);
    expect(transport.disposed).toBe(true);
    await expect(session.connect()).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('token hygiene', () => {
  it('the token never appears in console output, error events or thrown errors', async () => {
    vi.useFakeTimers();
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const transport = new FakeTransport();
    const secret = 'auth_tokens/very-secret-value';
    let n = 0;
    const fetchFn = vi.fn(() => {
      n++;
      if (n === 2) return Promise.resolve(new Response(`{"token":"${secret}"}`, { status: 502 }));
      if (n === 3) return Promise.resolve(new Response(`not json ${secret}`));
      return Promise.resolve(new Response(JSON.stringify({ name: secret })));
    });
    const session = new LiveAgentSession(
      { token: { url: '/token' }, reconnect: { maxAttempts: 2, baseDelayMs: 10 } },
      { transport, fetch: fetchFn as unknown as typeof fetch },
    );
    const texts: string[] = [];
    session.on('error', (e) => texts.push(e.error.message, String(e.error.cause)));
    session.on('reconnecting', (e) => texts.push(e.cause.message));
    await session.connect();
    expect(transport.opens[0]!.credential.value).toBe(secret);
    transport.close(1011, 'Internal error encountered.');
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.status).toBe('error');
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (const text of texts) expect(text).not.toContain('very-secret');
    for (const spy of spies)
      for (const call of spy.mock.calls) expect(JSON.stringify(call)).not.toContain('very-secret');
    vi.restoreAllMocks();
  });
});

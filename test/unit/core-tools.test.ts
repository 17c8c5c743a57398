import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ToolDefinition } from '../../src/core/types.ts';
import { createFakeSession } from '../../src/testing/index.ts';
import { record, ticks } from './core-helpers.ts';

afterEach(() => vi.useRealTimers());

async function connected(tools: ToolDefinition[], toolTimeoutMs?: number) {
  const kit = createFakeSession({ tools, ...(toolTimeoutMs ? { toolTimeoutMs } : {}) });
  await kit.session.connect();
  return kit;
}

const call = (id: string, name: string, args: Record<string, unknown> = {}) => ({
  toolCall: { functionCalls: [{ id, name, args }] },
});

describe('tools', () => {
  it('declarations carry name, description, parameters and behavior (no handler)', async () => {
    const params = { type: 'OBJECT', properties: { city: { type: 'STRING' } } };
    const { transport } = await connected([
      { name: 'weather', description: 'Weather', parameters: params, handler: () => 1 },
      { name: 'notify', behavior: 'NON_BLOCKING', parametersJsonSchema: { type: 'object' } },
    ]);
    expect(transport.opens[0]!.functionDeclarations).toEqual([
      { name: 'weather', description: 'Weather', parameters: params },
      { name: 'notify', behavior: 'NON_BLOCKING', parametersJsonSchema: { type: 'object' } },
    ]);
  });

  it('runs the handler with args and a signal; result → toolResponse {output}', async () => {
    const handler = vi.fn((args: Record<string, unknown>, _ctx: unknown) =>
      Promise.resolve({ temp: 21, args }),
    );
    const { session, transport } = await connected([{ name: 'weather', handler }]);
    const events = record(session, ['toolcall', 'toolresult']);
    transport.serverSend(call('c1', 'weather', { city: 'Paris' }));
    expect(session.getSnapshot().pendingToolCalls).toEqual([{ id: 'c1', name: 'weather' }]);
    await ticks();
    expect(handler.mock.calls[0]![0]).toEqual({ city: 'Paris' });
    const ctx = handler.mock.calls[0]![1] as { signal: AbortSignal; callId: string };
    expect(ctx.callId).toBe('c1');
    expect(ctx.signal.aborted).toBe(false);
    const response = {
      id: 'c1',
      name: 'weather',
      response: { output: { temp: 21, args: { city: 'Paris' } } },
    };
    expect(transport.lastConnection.sent).toEqual([
      { toolResponse: { functionResponses: [response] } },
    ]);
    expect(events).toEqual([
      ['toolcall', { call: { id: 'c1', name: 'weather', args: { city: 'Paris' } } }],
      ['toolresult', { call: { id: 'c1', name: 'weather', args: { city: 'Paris' } }, response }],
    ]);
    expect(session.getSnapshot().pendingToolCalls).toEqual([]);
  });

  it('a throwing handler → {error: message}; the session keeps going', async () => {
    const { session, transport } = await connected([
      {
        name: 'boom',
        handler: () => {
          throw new Error('database down');
        },
      },
    ]);
    transport.serverSend(call('c2', 'boom'));
    await ticks();
    expect(transport.lastConnection.sent).toEqual([
      {
        toolResponse: {
          functionResponses: [{ id: 'c2', name: 'boom', response: { error: 'database down' } }],
        },
      },
    ]);
    expect(session.status).toBe('connected');
  });

  it('timeout → error response and aborted signal; a late result is not sent', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    let finish!: (v: unknown) => void;
    const { transport } = await connected(
      [
        {
          name: 'slow',
          handler: (_a, ctx) => {
            signal = ctx.signal;
            return new Promise((r) => (finish = r));
          },
        },
        { name: 'slower', timeoutMs: 50, handler: () => new Promise(() => undefined) },
      ],
      1000,
    );
    transport.serverSend({
      toolCall: {
        functionCalls: [
          { id: 'a', name: 'slow' },
          { id: 'b', name: 'slower' },
        ],
      },
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(transport.lastConnection.sent).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { id: 'b', name: 'slower', response: { error: 'Tool "slower" timed out after 50 ms' } },
          ],
        },
      },
    ]);
    await vi.advanceTimersByTimeAsync(950);
    expect(signal?.aborted).toBe(true);
    expect(transport.lastConnection.sent[1]).toEqual({
      toolResponse: {
        functionResponses: [
          { id: 'a', name: 'slow', response: { error: 'Tool "slow" timed out after 1000 ms' } },
        ],
      },
    });
    finish('too late');
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.lastConnection.sent).toHaveLength(2);
  });

  it('toolCallCancellation aborts the signal and sends nothing for it', async () => {
    let signal: AbortSignal | undefined;
    let finish!: (v: unknown) => void;
    const { session, transport } = await connected([
      {
        name: 'search',
        handler: (_a, ctx) => {
          signal = ctx.signal;
          return new Promise((r) => (finish = r));
        },
      },
    ]);
    const events = record(session, ['toolcancel']);
    transport.serverSend(call('s1', 'search'));
    await ticks();
    transport.serverSend({ toolCallCancellation: { ids: ['s1'] } });
    expect(signal?.aborted).toBe(true);
    expect(events).toEqual([['toolcancel', { ids: ['s1'] }]]);
    expect(session.getSnapshot().pendingToolCalls).toEqual([]);
    finish({ found: true });
    await ticks();
    expect(transport.lastConnection.sent).toEqual([]);
  });

  it('NON_BLOCKING responses carry scheduling (declared or WHEN_IDLE)', async () => {
    const { transport } = await connected([
      { name: 'remind', behavior: 'NON_BLOCKING', scheduling: 'SILENT', handler: () => 'ok' },
      { name: 'fetch', behavior: 'NON_BLOCKING', handler: () => 'ok' },
      { name: 'plain', handler: () => 'ok' },
    ]);
    transport.serverSend({
      toolCall: {
        functionCalls: [
          { id: '1', name: 'remind' },
          { id: '2', name: 'fetch' },
          { id: '3', name: 'plain' },
        ],
      },
    });
    await ticks();
    const responses = transport.lastConnection.sent.flatMap((m) =>
      'toolResponse' in m ? m.toolResponse.functionResponses : [],
    );
    expect(responses).toEqual([
      { id: '1', name: 'remind', response: { output: 'ok' }, scheduling: 'SILENT' },
      { id: '2', name: 'fetch', response: { output: 'ok' }, scheduling: 'WHEN_IDLE' },
      { id: '3', name: 'plain', response: { output: 'ok' } },
    ]);
  });

  it('tools without handler: toolcall event, pending until sendToolResponse', async () => {
    const { session, transport } = await connected([{ name: 'pick_color' }]);
    const events = record(session, ['toolcall', 'toolresult']);
    transport.serverSend(call('m1', 'pick_color', { hint: 'warm' }));
    await ticks();
    expect(transport.lastConnection.sent).toEqual([]);
    expect(session.getSnapshot().pendingToolCalls).toEqual([{ id: 'm1', name: 'pick_color' }]);
    session.sendToolResponse([{ id: 'm1', name: 'pick_color', response: { output: 'red' } }]);
    expect(transport.lastConnection.sent).toEqual([
      {
        toolResponse: {
          functionResponses: [{ id: 'm1', name: 'pick_color', response: { output: 'red' } }],
        },
      },
    ]);
    expect(session.getSnapshot().pendingToolCalls).toEqual([]);
    expect(events.map(([t]) => t)).toEqual(['toolcall', 'toolresult']);
  });

  it('sendToolResponse without an id throws invalid-request and sends nothing', async () => {
    const { session, transport } = await connected([]);
    expect(() => session.sendToolResponse([{ name: 'x', response: {} } as never])).toThrowError(
      expect.objectContaining({ code: 'invalid-request' }) as Error,
    );
    expect(transport.lastConnection.sent).toEqual([]);
  });

  it('unknown tool name → error response', async () => {
    const { transport } = await connected([]);
    transport.serverSend(call('u1', 'launch_rockets'));
    expect(transport.lastConnection.sent).toEqual([
      {
        toolResponse: {
          functionResponses: [
            {
              id: 'u1',
              name: 'launch_rockets',
              response: { error: 'Unknown tool "launch_rockets"' },
            },
          ],
        },
      },
    ]);
  });

  it('a 100 KB unknown tool name is echoed cut to 64 chars + "…" everywhere', async () => {
    const { session, transport } = await connected([]);
    const events = record(session, ['toolcall', 'toolresult', 'error']);
    const huge = 'x'.repeat(100 * 1024);
    transport.serverSend(call('u2', huge));
    const shown = `${'x'.repeat(64)}…`;
    const message = `Unknown tool "${shown}"`;
    const response = { id: 'u2', name: shown, response: { error: message } };
    expect(transport.lastConnection.sent).toEqual([
      { toolResponse: { functionResponses: [response] } },
    ]);
    expect(events.map(([type]) => type)).toEqual(['toolcall', 'toolresult', 'error']);
    expect(events[0]![1]).toEqual({ call: { id: 'u2', name: shown, args: {} } });
    expect(events[1]![1]).toEqual({ call: { id: 'u2', name: shown, args: {} }, response });
    const { error } = events[2]![1] as { error: Error };
    expect(error.message).toBe(message);
    // Nothing the SDK produced carries the whole name.
    expect(JSON.stringify([events, transport.lastConnection.sent]).length).toBeLessThan(1000);
  });

  it('the cut never splits a surrogate pair; names up to 64 chars stay whole', async () => {
    const { transport } = await connected([]);
    const exact = 'y'.repeat(64);
    const emoji = `${'z'.repeat(63)}😀😀`;
    transport.serverSend(call('a', exact));
    transport.serverSend(call('b', emoji));
    const names = transport.lastConnection.sent.map(
      (m) =>
        (m as { toolResponse: { functionResponses: { name: string }[] } }).toolResponse
          .functionResponses[0]!.name,
    );
    expect(names).toEqual([exact, `${'z'.repeat(63)}…`]);
  });

  it('messages arriving while a handler awaits are processed in order and not lost', async () => {
    let finish!: (v: unknown) => void;
    const { session, transport } = await connected([
      { name: 'wait', handler: () => new Promise((r) => (finish = r)) },
    ]);
    const seen: string[] = [];
    session.on('message', (e) => seen.push(Object.keys(e.message).join('+')));
    transport.serverSend(call('w1', 'wait'));
    transport.serverSend({ serverContent: { outputTranscription: { text: 'Checking' } } });
    transport.serverSend({ usageMetadata: { totalTokenCount: 5 } });
    finish(1);
    await ticks();
    expect(seen).toEqual(['toolCall', 'serverContent', 'usageMetadata']);
    expect(session.getSnapshot().transcript[0]!.text).toBe('Checking');
    expect(session.getSnapshot().usage.totalTokenCount).toBe(5);
    expect(transport.lastConnection.sent).toHaveLength(1);
  });

  it('setTools applies from the next connect; disconnect aborts running handlers', async () => {
    let signal: AbortSignal | undefined;
    const { session, transport } = await connected([
      { name: 'a', handler: (_x, ctx) => ((signal = ctx.signal), new Promise(() => undefined)) },
    ]);
    session.setTools([{ name: 'b' }]);
    transport.serverSend(call('1', 'a'));
    await ticks();
    await session.disconnect();
    expect(signal?.aborted).toBe(true);
    await session.connect();
    expect(transport.opens[1]!.functionDeclarations).toEqual([{ name: 'b' }]);
  });
});

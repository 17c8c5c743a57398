/**
 * The agent server's own facts (ADK): the decoder turns `author`, `actions.transferToAgent`,
 * `functionCall`/`functionResponse` parts and `longRunningToolIds` into inbound events, and
 * AgentState keeps the `agent` / `serverToolCalls` snapshot slice. Recorded sessions are replayed
 * in adk-replay.test.ts; these are the edge cases the recordings do not have.
 */
import { describe, expect, it } from 'vitest';
import { AgentState, SERVER_TOOL_CALLS_KEPT } from '../../src/core/agents.ts';
import { LIVE_AGENT_EVENT_TYPES } from '../../src/core/events.ts';
import { AdkDecoder } from '../../src/transport/adk/codec.ts';
import { createFakeSession } from '../../src/testing/index.ts';

const call = (id: string, name: string, args: object = {}) => ({
  content: { role: 'model', parts: [{ functionCall: { id, name, args } }] },
});
const result = (id: string | undefined, name: string, response: object) => ({
  content: {
    role: 'user',
    parts: [{ functionResponse: { ...(id && { id }), name, response } }],
  },
});

describe('AdkDecoder: agents and server tools', () => {
  it('reports the author once per change, never the user, and a transfer after its result', () => {
    const d = new AdkDecoder();
    const types = (e: Record<string, unknown>) =>
      d.decode(e).map((x) => (x.type === 'agent' ? x.name : x.type));
    expect(types({ author: 'root', partial: true, outputTranscription: { text: 'a' } })).toEqual([
      'root',
      'transcription',
    ]);
    expect(types({ author: 'root', turnComplete: true })).toEqual(['turnComplete']);
    expect(types({ author: 'user', inputTranscription: { text: 'hi' } })).toEqual([
      'transcription',
    ]);
    expect(
      types({
        author: 'root',
        ...result('c1', 'transfer_to_agent', { result: null }),
        actions: { transferToAgent: 'sub' },
      }),
    ).toEqual(['serverToolResult', 'sub']);
    expect(types({ author: 'sub', turnComplete: true })).toEqual(['turnComplete']);
  });

  it('marks long-running calls and keeps tool data as given', () => {
    const d = new AdkDecoder();
    const events = d.decode({
      author: 'root',
      ...call('c7', 'book_flight', { to: '<b>Paris</b>' }),
      longRunningToolIds: ['c7'],
    });
    expect(events).toContainEqual({
      type: 'serverToolCall',
      id: 'c7',
      name: 'book_flight',
      args: { to: '<b>Paris</b>' },
      longRunning: true,
    });
    // Never a client tool call: the session must not run or answer it.
    expect(events.some((e) => e.type === 'toolCall')).toBe(false);
  });

  it('an errorCode event is a non-fatal server-error naming the code', () => {
    const [event] = new AdkDecoder().decode({ errorCode: 'SAFETY', errorMessage: 'blocked' });
    expect(event).toMatchObject({ type: 'error', error: { code: 'server-error' } });
    expect(JSON.stringify(event)).toContain('SAFETY: blocked');
  });
});

describe('AgentState', () => {
  it('pairs results with calls by id, then by name when ids are missing', () => {
    let t = 1000;
    const a = new AgentState(() => t);
    a.handleAgent('root');
    a.handleTool({
      type: 'serverToolCall',
      id: '1',
      name: 'get_time',
      args: {},
      longRunning: false,
    });
    a.handleTool({
      type: 'serverToolCall',
      id: '',
      name: 'lookup',
      args: { q: 'x' },
      longRunning: true,
    });
    t = 1500;
    a.handleTool({
      type: 'serverToolResult',
      id: '1',
      name: 'get_time',
      response: { time: '10:00' },
    });
    a.handleTool({ type: 'serverToolResult', id: '', name: 'lookup', response: { hits: 0 } });
    expect(a.slice.serverToolCalls).toEqual([
      {
        id: '1',
        name: 'get_time',
        args: {},
        longRunning: false,
        agent: 'root',
        calledAt: 1000,
        response: { time: '10:00' },
        respondedAt: 1500,
      },
      {
        id: '',
        name: 'lookup',
        args: { q: 'x' },
        longRunning: true,
        agent: 'root',
        calledAt: 1000,
        response: { hits: 0 },
        respondedAt: 1500,
      },
    ]);
    expect(Object.isFrozen(a.slice.serverToolCalls[0])).toBe(true);
  });

  it('a result whose call it never saw (before a reconnect) still gets an entry', () => {
    const a = new AgentState(() => 5);
    a.handleTool({ type: 'serverToolResult', id: '9', name: 'slow_job', response: { done: true } });
    expect(a.slice.serverToolCalls).toEqual([
      {
        id: '9',
        name: 'slow_job',
        args: {},
        longRunning: false,
        agent: null,
        calledAt: 5,
        response: { done: true },
        respondedAt: 5,
      },
    ]);
  });

  it(`keeps the last ${SERVER_TOOL_CALLS_KEPT} calls and reports agent changes only`, () => {
    const a = new AgentState();
    for (let i = 0; i < 25; i++)
      a.handleTool({
        type: 'serverToolCall',
        id: String(i),
        name: 't',
        args: {},
        longRunning: false,
      });
    expect(a.slice.serverToolCalls.map((c) => c.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i + 5)),
    );
    expect(a.handleAgent('a')).toEqual({ from: null, to: 'a' });
    expect(a.handleAgent('a')).toBeNull();
    expect(a.handleAgent('b')).toEqual({ from: 'a', to: 'b' });
  });
});

describe('the Gemini transport and the event map', () => {
  it('the new events are in the one event map; a Gemini session leaves agent and serverToolCalls empty', async () => {
    expect(LIVE_AGENT_EVENT_TYPES).toEqual(
      expect.arrayContaining(['agent', 'servertoolcall', 'servertoolresult']),
    );
    const { session, transport } = createFakeSession();
    const seen: string[] = [];
    session.on('agent', () => seen.push('agent'));
    session.on('servertoolcall', () => seen.push('servertoolcall'));
    session.on('toolcall', (e) => seen.push(`toolcall:${e.call.name}`));
    await session.connect();
    // A Gemini toolCall stays a client tool call (pending for the app), never a server one.
    transport.serverSend({
      toolCall: { functionCalls: [{ id: 'g1', name: 'get_time', args: {} }] },
    });
    const s = session.getSnapshot();
    expect([s.agent, s.serverToolCalls, seen]).toEqual([null, [], ['toolcall:get_time']]);
  });
});

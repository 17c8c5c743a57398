/**
 * `<live-agent>` with an agent server (ADK), under happy-dom: the answering agent's name, server
 * tool lines placed between transcript turns and kept there as the transcript grows, untrusted
 * tool data as text, and error hints that speak of the ADK server instead of the Live API.
 */
import { describe, expect, it } from 'vitest';
import { LiveAgentView } from '../../src/element/view.ts';
import { serverToolText } from '../../src/element/adk/agent-view.ts';
import { agentFace } from '../../src/element/adk/face.ts';
import { elementEndpoints, errorText } from '../../src/element/hints.ts';
import { initialSnapshot } from '../../src/core/session-support.ts';
import { ConnectionError, LiveAgentError } from '../../src/core/errors.ts';
import type { LiveAgentSnapshot, ServerToolCall, TranscriptTurn } from '../../src/core/types.ts';
import { callUi } from '../../src/element/call-ui.ts';

const ctx = { pushToTalk: false, holding: false, now: 0, ui: callUi };
const turn = (id: string, role: 'user' | 'model', text: string): TranscriptTurn => ({
  id,
  role,
  text,
  final: true,
  interrupted: false,
  startedAt: 0,
  updatedAt: 0,
});
const tool = (patch: Partial<ServerToolCall>): ServerToolCall => ({
  id: 'c1',
  name: 'get_time',
  args: {},
  longRunning: false,
  agent: 'concierge',
  calledAt: 1,
  ...patch,
});

function mountView() {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const view = new LiveAgentView(root);
  view.useAgentFace(agentFace);
  let s: LiveAgentSnapshot = { ...initialSnapshot(false), status: 'connected' };
  const render = (patch: Partial<LiveAgentSnapshot>) => {
    s = { ...s, ...patch };
    view.render(s, ctx, false);
  };
  const log = () =>
    [...root.querySelector('[part="transcript"]')!.children].map((el) =>
      el.classList.contains('tl') ? `[${el.textContent}]` : el.textContent!.replace(/^.*?: /, ''),
    );
  const agent = root.querySelector<HTMLElement>('[part="agent"]')!;
  return { render, log, agent, root, view };
}

describe('<live-agent> agent view', () => {
  it('shows the agent by name only once one is named', () => {
    const v = mountView();
    v.render({});
    expect(v.agent.hidden).toBe(true);
    v.render({ agent: 'concierge' });
    expect([v.agent.hidden, v.agent.textContent]).toEqual([false, 'Agent: concierge']);
    v.render({ agent: 'clock_agent' });
    expect(v.agent.textContent).toBe('Agent: clock_agent');
  });

  it('puts tool lines between the turns they came between, and keeps them there', () => {
    const v = mountView();
    const t1 = turn('u1', 'user', 'what time is it?');
    v.render({ transcript: [t1] });
    const call = tool({});
    v.render({ serverToolCalls: [call] });
    v.render({ transcript: [t1, turn('m1', 'model', 'It is')] });
    expect(v.log()).toEqual(['what time is it?', '[concierge ran get_time() … running]', 'It is']);
    // The result replaces the entry; the reply grows; the line stays between the two turns.
    v.render({ serverToolCalls: [{ ...call, response: { time: '10:00' }, respondedAt: 2 }] });
    v.render({ transcript: [t1, turn('m1', 'model', 'It is ten.'), turn('u2', 'user', 'thanks')] });
    expect(v.log()).toEqual([
      'what time is it?',
      '[concierge ran get_time() → {"time":"10:00"}]',
      'It is ten.',
      'thanks',
    ]);
    const line = v.root.querySelector<HTMLElement>('.tl')!;
    expect([line.dataset.state, line.getAttribute('part')]).toEqual(['done', 'server-tool']);
    // Entries that left the snapshot (the last 20 are kept) leave the log.
    v.render({ serverToolCalls: [] });
    expect(v.log()).toEqual(['what time is it?', 'It is ten.', 'thanks']);
  });

  it('renders tool names and data as text, never markup', () => {
    const v = mountView();
    const evil = '<img src=x onerror=alert(1)>';
    v.render({ serverToolCalls: [tool({ name: evil, args: { q: evil }, agent: evil })] });
    const line = v.root.querySelector('.tl')!;
    expect(line.querySelector('img')).toBeNull();
    expect(line.textContent).toContain(evil);
  });

  it('words transfers as a hand-over, long-running calls as such, and shortens long data', () => {
    expect(
      serverToolText(tool({ name: 'transfer_to_agent', args: { agent_name: 'clock_agent' } })),
    ).toBe('concierge handed over to clock_agent');
    expect(serverToolText(tool({ name: 'book', longRunning: true, agent: null }))).toBe(
      'Server tool book() … running (long)',
    );
    const long = serverToolText(tool({ response: { text: 'x'.repeat(500) } }));
    expect(long.length).toBeLessThan(200);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('ADK error hints', () => {
  const attrs: Record<string, string> = {
    transport: 'adk',
    endpoint: 'http://127.0.0.1:8000',
    'app-name': 'concierge_app',
    'user-id': 'u1',
    'session-id': 'old-session',
  };
  // As the element has them once the ADK chunk has loaded.
  const where = {
    ...elementEndpoints((n) => attrs[n] ?? null, 'http://localhost:5173'),
    explain: agentFace.explain,
  };

  it('never mention the Live API or tokens for transport="adk"', () => {
    const errors = [
      new ConnectionError('connection-lost', 'ADK session create answered 500', undefined, ''),
      new ConnectionError('server-error', 'ADK server error (1011): boom', 1011, 'boom'),
      new ConnectionError('connect-timeout', 'timed out', undefined, ''),
      new ConnectionError('auth-rejected', 'The ADK server refused the handshake', 1006, ''),
      new ConnectionError(
        'invalid-request',
        'ADK session not found (1002)',
        1002,
        'Session not found',
      ),
    ];
    for (const error of errors) {
      const text = errorText(error, where);
      expect(text).toContain('ADK server at http://127.0.0.1:8000');
      expect(text).not.toMatch(/Live API|token/i);
    }
  });

  it('name --allow_origins with the page origin, the app and user, and an unknown session', () => {
    const origin = new ConnectionError('auth-rejected', 'handshake refused', 1006, '');
    expect(errorText(origin, where)).toContain(
      '`adk api_server --allow_origins http://localhost:5173`',
    );
    const lost = new ConnectionError(
      'connection-lost',
      'Could not reach the ADK server',
      undefined,
      '',
    );
    expect(errorText(lost, where)).toContain('app-name "concierge_app" and user-id "u1"');
    const missing = new ConnectionError('invalid-request', 'not found', 1002, 'Session not found');
    expect(errorText(missing, where)).toContain(
      'has no session-id "old-session" for app-name "concierge_app" and user-id "u1" (1002 Session not found)',
    );
    const guard = new ConnectionError('auth-rejected', 'bad ticket', 1008, 'bad ticket');
    expect(errorText(guard, where)).toContain('Check the ticket');
    // Errors that read the same on both transports keep their wording.
    const mic = new LiveAgentError('mic-denied', 'Microphone permission was denied');
    expect(errorText(mic, where)).toContain('Allow the microphone');
  });

  it('before the ADK chunk has loaded, an attribute error is said as it is', () => {
    const bare = elementEndpoints((n) => attrs[n] ?? null, undefined);
    const error = new LiveAgentError('invalid-request', 'needs app-name');
    expect(errorText(error, bare)).toBe('needs app-name.');
  });

  it('the status line of the view uses the ADK wording once the face is in', () => {
    const v = mountView();
    const error = new ConnectionError('invalid-request', 'gone', 1002, 'Session not found');
    v.view.render(
      { ...initialSnapshot(false), status: 'error', error },
      { ...ctx, endpoints: elementEndpoints((n) => attrs[n] ?? null, undefined) },
      false,
    );
    expect(v.root.querySelector('[part="status"]')!.textContent).toContain(
      '1002 Session not found',
    );
  });

  it('the Gemini wording is unchanged without transport="adk"', () => {
    const gemini = elementEndpoints((n) => (n === 'endpoint' ? 'http://127.0.0.1:9' : null), 'x');
    expect(gemini).toEqual({ endpoint: 'http://127.0.0.1:9', tokenUrl: null });
    const refused = new LiveAgentError('auth-rejected', 'token revoked');
    expect(errorText(refused, gemini)).toContain('The Live API at http://127.0.0.1:9 refused');
  });
});

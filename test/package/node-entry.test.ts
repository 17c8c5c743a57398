/**
 * The root entry in plain Node (run after `npm run build`): `live-agent` imports without a DOM
 * (SSR, React/Vue adapters on the server), and a session runs on the fake transport from
 * `live-agent/testing`, both resolved through the package's exports map in a fresh process.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';

function nodeEval(code: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

test('live-agent imports in Node with no DOM and runs a session on the fake transport', () => {
  const result = nodeEval(`
    import * as root from 'live-agent';
    import { FakeTransport } from 'live-agent/testing';
    const dom = typeof HTMLElement + '/' + typeof document + '/' + typeof customElements;
    const transport = new FakeTransport();
    const session = new root.LiveAgentSession({ token: 'auth_tokens/node' }, { transport });
    const statuses = [];
    session.on('status', (e) => statuses.push(e.status));
    await session.connect();
    transport.serverSend({ serverContent: { outputTranscription: { text: 'Hello from Node' } } });
    transport.serverSend({ serverContent: { turnComplete: true } });
    session.sendText('hi');
    // createLiveAgent builds (worker and audio start lazily, on connect), also without a DOM.
    const lazy = root.createLiveAgent({ token: 'auth_tokens/x' });
    await session.disconnect();
    console.log(JSON.stringify({
      dom,
      statuses,
      transcript: session.getSnapshot().transcript.map((t) => [t.role, t.text]),
      sent: transport.sent,
      capabilities: session.capabilities,
      lazyStatus: lazy.status,
      element: 'LiveAgentElement' in root,
    }));
  `) as Record<string, unknown>;
  expect(result['dom']).toBe('undefined/undefined/undefined');
  expect(result['statuses']).toEqual(['connecting', 'connected', 'closed']);
  expect(result['transcript']).toEqual([
    ['model', 'Hello from Node'],
    ['user', 'hi'],
  ]);
  expect((result['sent'] as unknown[]).at(-1)).toEqual({
    clientContent: { turns: [{ parts: [{ text: 'hi' }], role: 'user' }], turnComplete: true },
  });
  expect(result['capabilities']).toMatchObject({ tools: true, pushToTalk: true });
  expect(result['lazyStatus']).toBe('idle');
  expect(result['element']).toBe(false);
});

/**
 * Capability flags: the session exposes its transport's flags read-only and refuses, with a typed
 * `unsupported` error, what a transport cannot do (a server-side-tools transport like ADK's).
 */
import { describe, expect, it } from 'vitest';
import { LiveAgentError } from '../../src/core/errors.ts';
import { LiveAgentSession } from '../../src/core/session.ts';
import { FakeTransport } from '../../src/testing/index.ts';

const NONE = {
  tools: false,
  pushToTalk: false,
  audioStreamEnd: false,
  resumption: false,
  voice: false,
  video: false,
};

function session(capabilities = NONE) {
  const transport = new FakeTransport();
  transport.capabilities = capabilities;
  const s = new LiveAgentSession(
    {
      token: 'auth_tokens/t',
      mode: 'push-to-talk',
      tools: [{ name: 'lookup', handler: () => 1 }],
    },
    { transport },
  );
  return { s, transport };
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof LiveAgentError ? error.code : 'untyped';
  }
  return undefined;
}

describe('transport capabilities', () => {
  it('are the transport flags, read-only on the session', () => {
    const { s } = session();
    expect(s.capabilities).toEqual(NONE);
    expect(
      new LiveAgentSession({ token: 'auth_tokens/t' }, { transport: new FakeTransport() }),
    ).toHaveProperty('capabilities.tools', true);
  });

  it('without push-to-talk or client tools, those calls fail as unsupported and send nothing', async () => {
    const { s, transport } = session();
    await s.connect();
    expect(codeOf(() => s.startActivity())).toBe('unsupported');
    expect(codeOf(() => s.endActivity())).toBe('unsupported');
    expect(
      codeOf(() => s.sendToolResponse([{ id: 'a', name: 'lookup', response: { output: 1 } }])),
    ).toBe('unsupported');
    expect(transport.sent).toEqual([]);
  });

  it('without client tools, no declarations go into the open parameters', async () => {
    const { s, transport } = session();
    await s.connect();
    expect(transport.opens[0]!.functionDeclarations).toEqual([]);
    const full = session({ ...NONE, tools: true, pushToTalk: true });
    await full.s.connect();
    expect(full.transport.opens[0]!.functionDeclarations).toEqual([{ name: 'lookup' }]);
    full.s.startActivity();
    expect(full.transport.sent).toEqual([{ realtimeInput: { activityStart: {} } }]);
  });
});

/**
 * The session is transport-neutral: a transport with another wire (ADK `/run_live`-shaped JSON:
 * snake_case requests, Event JSON back, no setup frame, server-side tools, no resumption) drives it
 * through the same interface, and nothing in the session changes. The tiny codec here stands in for
 * a real ADK transport; it is the only code in this file that knows the ADK shapes.
 */
import { describe, expect, it } from 'vitest';
import { LiveAgentError } from '../../src/core/errors.ts';
import { LiveAgentSession } from '../../src/core/session.ts';
import {
  intentMethods,
  type ClientIntent,
  type ConnectionHandlers,
  type InboundEvent,
  type LiveTransport,
} from '../../src/core/transport.ts';
import type { ServerMessage } from '../../src/core/wire.ts';

type Json = Record<string, any>;

/** ADK-ish encoding of the session's intents (snake_case `LiveRequest`). */
function encode(intent: ClientIntent): Json {
  switch (intent.type) {
    case 'audio':
      return { blob: { mime_type: `audio/pcm;rate=${intent.sampleRate}`, data: intent.data } };
    case 'text':
      return { content: { role: 'user', parts: [{ text: intent.text }] } };
    case 'activityStart':
      return { activity_start: {} };
    case 'activityEnd':
      return { activity_end: {} };
    default:
      throw new LiveAgentError('unsupported', `${intent.type} over ADK`);
  }
}

/** ADK Event JSON → inbound events. */
function decode(event: Json): InboundEvent[] {
  const out: InboundEvent[] = [];
  if (event['usageMetadata']) out.push({ type: 'usage', usage: event['usageMetadata'] });
  const input = event['inputTranscription'];
  if (input) out.push({ type: 'transcription', speaker: 'user', ...input });
  const output = event['outputTranscription'];
  if (output) out.push({ type: 'transcription', speaker: 'model', ...output });
  if (event['interrupted']) out.push({ type: 'interrupted' });
  if (event['turnComplete']) out.push({ type: 'turnComplete' });
  return out;
}

function adkTransport() {
  const sent: Json[] = [];
  let handlers: ConnectionHandlers | null = null;
  const transport: LiveTransport = {
    capabilities: {
      tools: false,
      pushToTalk: true,
      audioStreamEnd: false,
      resumption: false,
      voice: false,
      video: false,
    },
    // No setup frame: the REST session would be created here, then the socket opened.
    open: async (_params, h) => {
      handlers = h;
      return {
        id: 1,
        setupComplete: { sessionId: 'adk-session-1' },
        ...intentMethods((intent) => sent.push(encode(intent))),
        activate: () => {},
        close: () => {},
      };
    },
    dispose: () => {},
  };
  const serverSend = (event: Json) =>
    handlers!.message(
      { raw: event as ServerMessage, events: decode(event) },
      { audioBytes: 0, receivedAt: Date.now() },
    );
  return { transport, sent, serverSend };
}

describe('a second transport fits the session unchanged', () => {
  it('ADK-shaped frames drive transcript, events and snapshot; intents go out in its own codec', async () => {
    const { transport, sent, serverSend } = adkTransport();
    const session = new LiveAgentSession(
      { token: 'auth_tokens/adk', mode: 'push-to-talk' },
      { transport },
    );
    const raw: unknown[] = [];
    const setup: unknown[] = [];
    session.on('message', (e) => raw.push(e.message));
    session.on('setupcomplete', (e) => setup.push(e));
    await session.connect();
    expect(setup).toEqual([{ sessionId: 'adk-session-1' }]);
    session.startActivity();
    session.endActivity();
    session.sendText('hello');
    expect(sent).toEqual([
      { activity_start: {} },
      { activity_end: {} },
      { content: { role: 'user', parts: [{ text: 'hello' }] } },
    ]);
    const event = { partial: true, outputTranscription: { text: 'Hi ', finished: false } };
    serverSend(event);
    serverSend({ partial: true, outputTranscription: { text: 'there', finished: false } });
    serverSend({ turnComplete: true, invocationId: 'e-1' });
    expect(raw[0]).toEqual(event);
    const turns = session.getSnapshot().transcript.map((t) => [t.role, t.text, t.final]);
    expect(turns).toEqual([
      ['user', 'hello', true],
      ['model', 'Hi there', true],
    ]);
    expect(session.getSnapshot().sessionResumable).toBe(false);
    expect(() => session.sendToolResponse([{ id: 'x', name: 'y', response: {} }])).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    );
    await session.disconnect();
  });
});

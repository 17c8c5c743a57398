/**
 * Conformance of what a running session sends: a LiveAgentSession (direct transport over `ws`)
 * and @google/genai's `live.connect` talk to the same emulator, make the same calls, and the
 * client frames the emulator received must be equal as parsed JSON. Nothing here calls our codec
 * directly: the frames are the ones the SDK put on the socket.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fastEmulator } from '../support/raw-client.ts';
import { GoogleGenAI, type LiveConnectConfig } from '@google/genai';
import type { Emulator } from '../../src/emulator/index.ts';
import type { EmulatorSession } from '../../src/emulator/index.ts';
import { LiveAgentSession } from '../../src/core/session.ts';
import type { LiveConnection, LiveTransport } from '../../src/core/transport.ts';
import { createDirectTransport } from '../../src/transport/direct-transport.ts';
import type { SocketConstructor } from '../../src/transport/connection.ts';

const KEY = 'conformance-key';
const MODEL = 'gemini-3.8-live';
const b64 = Buffer.from(new Int16Array([0, 1000, -1000, 32767]).buffer).toString('base64');
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64');
const lookup = {
  name: 'lookup',
  description: 'Look something up',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string' }, limit: { anyOf: [{ type: 'integer' }] } },
    required: ['query'],
  },
};
const responses = [{ id: 'fc-1', name: 'lookup', response: { output: { found: 3 } } }];

let emu: Emulator;
beforeAll(async () => {
  emu = await fastEmulator(KEY);
});
afterAll(() => emu.close());

/** Client frames the emulator received on `server`, parsed. */
const framesOf = (server: EmulatorSession) => server.received.map((r) => r.message);

/** Runs `step`, then waits until the emulator has one more client frame. */
async function step(server: EmulatorSession, act: () => void): Promise<void> {
  const before = server.received.length;
  act();
  await expect.poll(() => server.received.length).toBe(before + 1);
}

it('a session sends the frames @google/genai sends for the same calls', async () => {
  // Ours: a real session; audio, video and audioStreamEnd come from the transport's media side,
  // so they go through the connection the session opened (the worker's router does the same).
  const direct = createDirectTransport({ WebSocket: WebSocket as unknown as SocketConstructor });
  let conn: LiveConnection | null = null;
  const transport: LiveTransport = {
    ...direct,
    open: async (params, handlers) => (conn = await direct.open(params, handlers)),
  };
  const session = new LiveAgentSession(
    {
      token: KEY,
      allowApiKey: true,
      endpoint: emu.url,
      model: MODEL,
      mode: 'push-to-talk',
      config: { responseModalities: ['AUDIO' as never] },
      tools: [lookup],
    },
    { transport },
  );
  const serverOurs = emu.waitForSession();
  await session.connect();
  const ours = await serverOurs;
  const live = conn as unknown as LiveConnection;
  await step(ours, () => live.sendAudio(b64, 16000));
  await step(ours, () => live.sendVideoFrame(jpeg, 'image/jpeg'));
  await step(ours, () => live.audioStreamEnd());
  await step(ours, () => session.startActivity());
  await step(ours, () => session.endActivity());
  await step(ours, () => session.sendRealtimeText('hello there'));
  await step(ours, () => session.sendToolResponse(structuredClone(responses)));
  await step(ours, () => session.sendText('Hi'));
  await session.disconnect();
  session.dispose();

  // genai: the same config as the session builds it (resumption on, server VAD off), same calls.
  const config: LiveConnectConfig = {
    responseModalities: ['AUDIO' as never],
    sessionResumption: {},
    realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    tools: [{ functionDeclarations: [structuredClone(lookup) as never] }],
  };
  const ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: emu.url } });
  const serverGenai = emu.waitForSession();
  const g = await ai.live.connect({ model: MODEL, config, callbacks: { onmessage: () => {} } });
  const theirs = await serverGenai;
  await expect.poll(() => theirs.received.length).toBe(1);
  await step(theirs, () =>
    g.sendRealtimeInput({ audio: { data: b64, mimeType: 'audio/pcm;rate=16000' } }),
  );
  await step(theirs, () => g.sendRealtimeInput({ video: { data: jpeg, mimeType: 'image/jpeg' } }));
  await step(theirs, () => g.sendRealtimeInput({ audioStreamEnd: true }));
  await step(theirs, () => g.sendRealtimeInput({ activityStart: {} }));
  await step(theirs, () => g.sendRealtimeInput({ activityEnd: {} }));
  await step(theirs, () => g.sendRealtimeInput({ text: 'hello there' }));
  await step(theirs, () => g.sendToolResponse({ functionResponses: structuredClone(responses) }));
  await step(theirs, () => g.sendClientContent({ turns: 'Hi' }));
  g.close();

  const expected = framesOf(theirs);
  expect(expected).toHaveLength(9);
  expect(framesOf(ours)).toEqual(expected);
  for (const frame of expected) expect(JSON.stringify(frame)).not.toContain('mediaChunks');
});

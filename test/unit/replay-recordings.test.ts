/**
 * Replays real recorded Gemini Live sessions (Gemini API and Vertex) through a FakeTransport into
 * a session: the client actions of each recording are re-enacted through the public API, the
 * server frames after setupComplete are played back, and the session's events are asserted.
 */
import { describe, expect, it } from 'vitest';
import type { LiveAgentEventMap } from '../../src/core/events.ts';
import type { LiveAgentOptions } from '../../src/core/types.ts';
import type { ServerMessage } from '../../src/core/wire.ts';
import { audioBytesOf, createFakeSession, type FakeSessionKit } from '../../src/testing/index.ts';
import { loadRecordings, type Recording } from '../support/recordings.ts';
import { ticks } from './core-helpers.ts';

const recordings = new Map(loadRecordings().map((r) => [r.name, r]));
const WEATHER = {
  name: 'get_current_weather',
  description: 'Get the current weather in a given location',
  handler: (args: Record<string, unknown>) => ({ location: args.location, tempC: 11 }),
};

type Events = { [K in keyof LiveAgentEventMap]: LiveAgentEventMap[K][] };

interface Replay extends FakeSessionKit {
  rec: Recording;
  events: Events;
  /** Plays the recorded server frames after setupComplete. */
  play(): Promise<void>;
}

async function replay(name: string, options: Partial<LiveAgentOptions> = {}): Promise<Replay> {
  const rec = recordings.get(name);
  if (!rec) throw new Error(`missing recording ${name}`);
  const kit = createFakeSession(options);
  const events = {} as Events;
  for (const type of [
    'message',
    'transcript',
    'toolcall',
    'toolresult',
    'turncomplete',
    'usage',
    'error',
    'setupcomplete',
  ] as const) {
    const list: unknown[] = [];
    (events as Record<string, unknown[]>)[type] = list;
    kit.session.on(type, (e) => list.push(e));
  }
  const [setup, ...rest] = rec.server;
  expect(Object.keys(setup!)).toEqual(['setupComplete']);
  kit.transport.setupCompletePayload = setup!.setupComplete as Record<string, unknown>;
  await kit.session.connect();
  return {
    ...kit,
    rec,
    events,
    async play() {
      for (const frame of rest) kit.transport.serverSend(frame as ServerMessage);
      await ticks();
      expect(events.message.map((e) => e.message)).toEqual(rest);
      expect(events.error).toEqual([]);
    },
  };
}

const sent = (r: Replay) => r.transport.lastConnection.sent;
const texts = (r: Replay) =>
  r.session.getSnapshot().transcript.map((t) => [t.role, t.text, t.final]);

describe('recorded sessions replay', () => {
  it('covers every recording in the folder', () => {
    expect([...recordings.keys()].sort()).toEqual(Object.keys(scenarios).sort());
  });

  const scenarios: Record<string, () => Promise<void>> = {
    async live_ML_Dev_handle_activity_start_and_end() {
      const r = await replay('live_ML_Dev_handle_activity_start_and_end', { mode: 'push-to-talk' });
      expect(r.transport.opens[0]!.config.realtimeInputConfig).toEqual(
        (r.rec.client[0]!.setup as { realtimeInputConfig: unknown }).realtimeInputConfig,
      );
      r.session.startActivity();
      r.session.endActivity();
      expect(sent(r)).toEqual([r.rec.client[1], r.rec.client[3]]);
      await r.play();
      expect(texts(r)).toEqual([['model', "Yeah, I can hear you. What's up?", false]]);
    },

    async live_ML_Dev_should_receive_transcription_in_async_session_with_transcription_enabled() {
      const r = await replay(
        'live_ML_Dev_should_receive_transcription_in_async_session_with_transcription_enabled',
      );
      r.session.sendText('Hello what should we talk about?');
      expect(sent(r)).toEqual([r.rec.client[1]]);
      await r.play();
      expect(texts(r)).toEqual([
        ['user', 'Hello what should we talk about?', true],
        [
          'model',
          "We could talk about anything you like. Perhaps you have a hobby or an interest you'd like to discuss, or maybe there's a topic you've been curious about lately.",
          false,
        ],
      ]);
      expect(r.events.transcript).toHaveLength(4);
    },

    async live_ML_Dev_should_reply_to_realtime_audio_input() {
      const r = await replay('live_ML_Dev_should_reply_to_realtime_audio_input');
      await r.play();
      expect(texts(r)).toEqual([
        ['model', 'Yes, I can hear you clearly. How may I assist you?', false],
      ]);
    },

    async live_ML_Dev_should_reply_to_realtime_text_input() {
      const r = await replay('live_ML_Dev_should_reply_to_realtime_text_input');
      r.session.sendRealtimeText('Are you there Gemini?');
      expect(sent(r)).toEqual([r.rec.client[1]]);
      await r.play();
      expect(texts(r)).toEqual([['model', "Yes, I'm here! How can I help you today?", false]]);
    },

    async 'live_ML_Dev_should_respond_to_realtime_media-audio_input'() {
      const r = await replay('live_ML_Dev_should_respond_to_realtime_media-audio_input');
      // The recorded client used the deprecated mediaChunks; we never send it (1007 today).
      expect(Object.keys(r.rec.client[1]!.realtimeInput as object)).toEqual(['mediaChunks']);
      await r.play();
      expect(texts(r)).toEqual([
        ['model', 'Yes, I can hear you clearly. How may I help you?', false],
      ]);
    },

    async live_ML_Dev_should_return_error_for_invalid_input_in_async_session() {
      const r = await replay('live_ML_Dev_should_return_error_for_invalid_input_in_async_session');
      expect(() =>
        r.session.sendToolResponse([{ name: 'name', response: { response: {} } } as never]),
      ).toThrowError(
        expect.objectContaining({ name: 'LiveAgentError', code: 'invalid-request' }) as Error,
      );
      // Like the recording: nothing went on the wire after setup.
      expect(r.rec.client).toHaveLength(1);
      expect(sent(r)).toEqual([]);
      await r.play();
      expect(r.session.status).toBe('connected');
    },

    async live_ML_Dev_should_send_content_dict_in_async_session() {
      await usageScenario('live_ML_Dev_should_send_content_dict_in_async_session', 515, 31, 546);
    },

    async live_ML_Dev_should_send_text_in_async_session() {
      await usageScenario('live_ML_Dev_should_send_text_in_async_session', 515, 38, 553);
    },

    async live_ML_Dev_should_send_tool_response() {
      await toolScenario(
        'live_ML_Dev_should_send_tool_response',
        'function-call-5831923424298605773',
      );
    },

    async live_ML_Dev_should_send_tool_response_with_function_responses() {
      const r = await replay('live_ML_Dev_should_send_tool_response_with_function_responses');
      r.session.sendToolResponse([
        { id: 'function-call-1', name: 'getStatus', response: { mood: 'happy' } },
      ]);
      expect(sent(r)).toEqual([r.rec.client[1]]);
      await r.play();
    },

    async live_Vertex_should_initialize_session_with_publishers_prefix() {
      await vertexSetup(
        'live_Vertex_should_initialize_session_with_publishers_prefix',
        'f162d11d-434a-4212-8a31-f1a4843cad11',
      );
    },

    async live_Vertex_should_initialize_session_without_prefix() {
      await vertexSetup(
        'live_Vertex_should_initialize_session_without_prefix',
        '36eebac4-0e2c-473e-9ff5-c47f2bba6e7b',
      );
    },

    async live_Vertex_should_receive_transcription_in_async_session_with_transcription_enabled() {
      const r = await replay(
        'live_Vertex_should_receive_transcription_in_async_session_with_transcription_enabled',
      );
      r.session.sendText('Hello what should we talk about?');
      expect(sent(r)).toEqual([r.rec.client[1]]);
      const changesBefore = r.events.transcript.length;
      r.transport.serverSend(r.rec.server[1] as ServerMessage); // outputTranscription: {}
      expect(r.events.transcript).toHaveLength(changesBefore);
      r.transport.serverSend(r.rec.server[2] as ServerMessage);
      expect(texts(r)).toEqual([
        ['user', 'Hello what should we talk about?', true],
        ['model', 'We', false],
      ]);
    },

    async 'live_Vertex_should_respond_to_realtime_media-audio_input'() {
      const r = await replay('live_Vertex_should_respond_to_realtime_media-audio_input');
      await r.play();
      expect(texts(r)).toEqual([
        ['model', 'Yes, I can hear you. How can I help you today?\n', false],
      ]);
    },

    async live_Vertex_should_return_error_for_invalid_input_in_async_session() {
      const r = await replay('live_Vertex_should_return_error_for_invalid_input_in_async_session');
      // Vertex accepted an id-less response; we refuse it (ids are required on the Gemini API).
      expect(() =>
        r.session.sendToolResponse([{ name: 'name', response: { response: {} } } as never]),
      ).toThrowError(expect.objectContaining({ code: 'invalid-request' }) as Error);
      expect(sent(r)).toEqual([]);
      await r.play();
      expectAudio(r);
    },

    async live_Vertex_should_send_content_dict_in_async_session() {
      const r = await replay('live_Vertex_should_send_content_dict_in_async_session');
      r.session.sendText('Hello what should we talk about?');
      await r.play();
      expectAudio(r);
    },

    async live_Vertex_should_send_text_in_async_session() {
      const r = await replay('live_Vertex_should_send_text_in_async_session');
      r.session.sendText('Hello what should we talk about?');
      expect(sent(r)).toEqual([r.rec.client[1]]);
      await r.play();
      expectAudio(r);
    },

    async live_Vertex_should_send_tool_response() {
      await toolScenario(
        'live_Vertex_should_send_tool_response',
        '8acdafcd-9c55-44be-84da-da3d2612f9d1',
      );
    },

    async live_Vertex_should_send_tool_response_with_function_responses() {
      const r = await replay('live_Vertex_should_send_tool_response_with_function_responses');
      expect(() => r.session.sendToolResponse([r.rec.client[1]!.toolResponse as never])).toThrow();
      await r.play();
      expectAudio(r);
    },
  };

  for (const [name, run] of Object.entries(scenarios)) it(name, run);
});

async function usageScenario(name: string, prompt: number, response: number, total: number) {
  const r = await replay(name);
  r.session.sendText('Hello what should we talk about?');
  expect(sent(r)).toEqual([r.rec.client[1]]);
  await r.play();
  expect(r.events.turncomplete).toEqual([{}]);
  expect(r.events.usage).toHaveLength(1);
  expect(r.session.getSnapshot().usage).toMatchObject({
    promptTokenCount: prompt,
    responseTokenCount: response,
    totalTokenCount: total,
    promptByModality: { TEXT: prompt },
    responseByModality: { TEXT: response },
    reports: 1,
  });
  expect(texts(r)).toEqual([['user', 'Hello what should we talk about?', true]]);
}

async function toolScenario(name: string, callId: string) {
  const r = await replay(name, { tools: [WEATHER] });
  const declared = (
    r.rec.client[0]!.setup as { tools: { functionDeclarations: { name: string }[] }[] }
  ).tools[0]!.functionDeclarations[0]!;
  expect(r.transport.opens[0]!.functionDeclarations.map((d) => d.name)).toEqual([declared.name]);
  r.session.sendText('what is the weather in Redmond Washington');
  await r.play();
  expect(r.events.toolcall).toEqual([
    { call: { id: callId, name: 'get_current_weather', args: { location: 'Redmond, WA' } } },
  ]);
  const response = {
    id: callId,
    name: 'get_current_weather',
    response: { output: { location: 'Redmond, WA', tempC: 11 } },
  };
  expect(sent(r).slice(1)).toEqual([{ toolResponse: { functionResponses: [response] } }]);
  expect(r.events.toolresult.map((e) => e.response)).toEqual([response]);
  const code = r.events.message
    .flatMap((e) => e.message.serverContent?.modelTurn?.parts ?? [])
    .filter((p) => p.executableCode);
  if (name.includes('ML_Dev'))
    expect(code.map((p) => p.executableCode)).toEqual([
      {
        language: 'PYTHON',
        code: "print(default_api.get_current_weather(location='Redmond, WA'))",
      },
    ]);
}

async function vertexSetup(name: string, sessionId: string) {
  const r = await replay(name);
  expect(r.events.setupcomplete).toEqual([{ sessionId }]);
  await r.play();
}

function expectAudio(r: Replay) {
  const audio = r.rec.server
    .slice(1)
    .filter((m) => (m as ServerMessage).serverContent?.modelTurn?.parts?.some((p) => p.inlineData));
  expect(audio.length).toBeGreaterThan(0);
  const bytes = audio.reduce((n, m) => n + audioBytesOf(m as ServerMessage), 0);
  expect(r.session.getStats()).toMatchObject({ audioChunks: audio.length, audioBytes: bytes });
  expect(bytes).toBeGreaterThan(9000);
  expect(r.session.getSnapshot().agentSpeaking).toBe(true);
  expect(r.session.getSnapshot().transcript.filter((t) => t.role === 'model')).toEqual([]);
}

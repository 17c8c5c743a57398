/**
 * The emulator serves real clients unpatched, as Google does: protobuf-JSON field names in either
 * casing at every depth (free-form payloads verbatim), the legacy `mediaChunks` for the models that
 * still take it, and TLS for clients that insist on `wss://`. The frames below have the shapes the
 * Python google-genai client (2.34, under google-adk 2.13) sends: top-level `client_content`,
 * `tool_response` and `realtime_input` with `audio.mime_type`, URL-safe base64, `media_chunks` from
 * the deprecated `send()`. TLS and header credentials: emulator-tls.test.ts.
 */
import type WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodePcm16, speechLikePcm16, silencePcm16 } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { fastEmulator, openRaw, type RawClient } from '../support/raw-client.ts';

const KEY = 'lenient-key';
const PATH = '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent';
const OLD_MODEL = 'models/gemini-2.0-flash-live-001';
const NEW_MODEL = 'models/gemini-live-2.5-flash-preview';
let emu: Emulator;

beforeAll(async () => {
  emu = await fastEmulator(KEY);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

type Client = RawClient;

const open = (on: Emulator, options: WebSocket.ClientOptions = {}): Promise<Client> =>
  openRaw(`${on.wsUrl}${PATH}`, { headers: { 'x-goog-api-key': KEY }, ...options });

const content = (m: Record<string, unknown>) =>
  m.serverContent as
    | { turnComplete?: boolean; outputTranscription?: { text: string }; modelTurn?: unknown }
    | undefined;

/** The output transcription of the next complete model turn after `from` messages. */
async function replyText(c: Client, from: number): Promise<string> {
  await c.next((m) => c.messages.indexOf(m) >= from && content(m)?.turnComplete === true);
  return c.messages
    .slice(from)
    .map((m) => content(m)?.outputTranscription?.text ?? '')
    .join('');
}

/** 16-bit PCM as URL-safe base64, the alphabet google-genai 2.x writes. */
const urlSafe = (samples: Int16Array) =>
  encodePcm16(samples).replace(/\+/g, '-').replace(/\//g, '_');

const SNAKE_SETUP = {
  setup: {
    model: OLD_MODEL,
    generation_config: { response_modalities: ['AUDIO'] },
    system_instruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
    tools: [
      {
        function_declarations: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: {
              type: 'OBJECT',
              properties: { city_name: { type: 'STRING', any_of: [{ type: 'STRING' }] } },
              required: ['city_name'],
              property_ordering: ['city_name'],
            },
          },
        ],
      },
    ],
    input_audio_transcription: {},
    output_audio_transcription: {},
  },
};

describe('protobuf-JSON field names', () => {
  it('takes a snake_case setup at every depth and keeps schema property names verbatim', async () => {
    const c = await open(emu);
    c.ws.send(JSON.stringify(SNAKE_SETUP));
    await c.next((m) => m.setupComplete);
    const session = await emu.waitForSession();
    expect(session.setup).toMatchObject({
      generationConfig: { responseModalities: ['AUDIO'] },
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    });
    const declaration = session.setup?.tools?.[0]?.functionDeclarations?.[0];
    expect(declaration?.parameters).toEqual({
      type: 'OBJECT',
      properties: { city_name: { type: 'STRING', anyOf: [{ type: 'STRING' }] } },
      required: ['city_name'],
      propertyOrdering: ['city_name'],
    });
    c.ws.close();
  });

  it('answers client_content (turn_complete in either casing) and tool_response, args and response verbatim', async () => {
    const c = await open(emu);
    c.ws.send(JSON.stringify(SNAKE_SETUP));
    await c.next((m) => m.setupComplete);
    // google-genai 2.34: snake_case top level, camelCase inside.
    let from = c.messages.length;
    c.ws.send(
      JSON.stringify({
        client_content: {
          turns: [{ parts: [{ text: 'hello there' }], role: 'user' }],
          turnComplete: true,
        },
      }),
    );
    expect(await replyText(c, from)).toBe('You said: hello there');
    // protobuf names all the way down.
    from = c.messages.length;
    const ask = 'call get_weather {"city_name": "Paris"}';
    c.ws.send(
      JSON.stringify({
        client_content: { turns: [{ parts: [{ text: ask }] }], turn_complete: true },
      }),
    );
    const call = (await c.next((m) => m.toolCall)).toolCall as {
      functionCalls: { id: string; name: string; args: unknown }[];
    };
    expect(call.functionCalls[0]?.args).toEqual({ city_name: 'Paris' });
    const id = call.functionCalls[0]?.id;
    // gemini-2.0-flash-live ends its turn after the call and answers in a new one.
    expect(await replyText(c, from)).toBe('');
    from = c.messages.length;
    c.ws.send(
      JSON.stringify({
        tool_response: {
          function_responses: [
            { id, name: 'get_weather', response: { temp_c: 21, sky_cover: { low_clouds: true } } },
          ],
        },
      }),
    );
    expect(await replyText(c, from)).toBe(
      'get_weather returned {"temp_c":21,"sky_cover":{"low_clouds":true}}.',
    );
    const session = await emu.waitForSession();
    const stored = session.history.at(-2)?.parts?.[0]?.functionResponse as { response?: unknown };
    expect(stored.response).toEqual({ temp_c: 21, sky_cover: { low_clouds: true } });
    c.ws.close();
  });

  it('reads realtime_input.audio.mime_type (the rate) and URL-safe base64', async () => {
    const c = await open(emu);
    c.ws.send(JSON.stringify(SNAKE_SETUP));
    await c.next((m) => m.setupComplete);
    const session = await emu.waitForSession();
    const turn = new Promise<{ audioMs: number }>((resolve) => session.once('turn', resolve));
    // 1 s of speech at 24 kHz: read as 16 kHz it would last 1.5 s.
    const pcm = [speechLikePcm16(1000, 24000), silencePcm16(800, 24000)];
    for (const samples of pcm) {
      for (let i = 0; i < samples.length; i += 960) {
        const chunk = urlSafe(samples.subarray(i, i + 960));
        c.ws.send(
          JSON.stringify({
            realtime_input: { audio: { data: chunk, mime_type: 'audio/pcm;rate=24000' } },
          }),
        );
      }
    }
    const { audioMs } = await turn;
    expect(audioMs).toBeGreaterThan(800);
    expect(audioMs).toBeLessThan(1200);
    c.ws.close();
  });
});

describe('turn end after a blocking toolCall (per model)', () => {
  async function toolTurn(model: string): Promise<string[]> {
    const c = await open(emu);
    const tools = [{ functionDeclarations: [{ name: 'get_time' }] }];
    c.ws.send(JSON.stringify({ setup: { model, tools } }));
    await c.next((m) => m.setupComplete);
    c.ws.send(JSON.stringify({ realtimeInput: { text: 'call get_time' } }));
    const call = (await c.next((m) => m.toolCall)).toolCall as { functionCalls: { id: string }[] };
    await new Promise((r) => setTimeout(r, 200));
    const before = c.messages.map((m) => Object.keys(m.serverContent ?? m).join());
    const id = call.functionCalls[0]?.id;
    c.ws.send(JSON.stringify({ toolResponse: { functionResponses: [{ id, response: {} }] } }));
    await c.next((m) => c.messages.indexOf(m) >= before.length && content(m)?.turnComplete);
    c.ws.close();
    return before.slice(before.indexOf('toolCall'));
  }

  it('older models end the turn after the call (ADK 2.x waits for it), newer ones keep it open', async () => {
    expect(await toolTurn(OLD_MODEL)).toEqual(['toolCall', 'generationComplete', 'turnComplete']);
    expect(await toolTurn(NEW_MODEL)).toEqual(['toolCall']);
    emu.settings.toolCallEndsTurnModels = /^gemini-live-2\.5/;
    expect(await toolTurn(NEW_MODEL)).toEqual(['toolCall', 'generationComplete', 'turnComplete']);
    emu.settings.toolCallEndsTurnModels = /^gemini-2\.0-flash-live/;
  });
});

describe('legacy realtimeInput.mediaChunks', () => {
  async function sendChunks(model: string) {
    const c = await open(emu);
    c.ws.send(JSON.stringify({ setup: { model, output_audio_transcription: {} } }));
    await c.next((m) => m.setupComplete);
    for (const samples of [speechLikePcm16(800), silencePcm16(800)]) {
      for (let i = 0; i < samples.length; i += 640) {
        const data = urlSafe(samples.subarray(i, i + 640));
        // What google-genai's deprecated send() writes (ADK 1.x uses it).
        c.ws.send(
          JSON.stringify({
            realtime_input: { media_chunks: [{ data, mime_type: 'audio/pcm;rate=16000' }] },
          }),
        );
      }
    }
    return c;
  }

  it('are heard for older models (gemini-2.0-flash-live by default)', async () => {
    const c = await sendChunks(OLD_MODEL);
    expect(await replyText(c, 1)).toMatch(/^I heard 0\.[6-9] s of speech\.$/);
    c.ws.close();
  });

  it('close 1007 for newer models, and the set of models is a setting', async () => {
    const c = await sendChunks(NEW_MODEL);
    expect(await c.closed).toEqual({
      code: 1007,
      reason: 'realtime_input.media_chunks is deprecated. Use audio, video, or text instead.',
    });
    emu.settings.mediaChunksModels = /^gemini-live-2\.5/;
    const d = await sendChunks(NEW_MODEL);
    expect(await replyText(d, 1)).toMatch(/^I heard/);
    d.ws.close();
    emu.settings.mediaChunksModels = /^gemini-2\.0-flash-live/;
  });
});

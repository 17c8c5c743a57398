/**
 * Conformance of the codec, call by call: the frames it builds for each shape genai accepts must
 * equal, as parsed JSON, the frames @google/genai's Node `live.connect` sends for the same call.
 * conformance-session.test.ts checks the frames a running session actually sends. genai is only
 * the oracle here, never a runtime dep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { GoogleGenAI, type LiveConnectConfig, type Session } from '@google/genai';
import type { ClientMessage } from '../../src/core/wire.ts';
import {
  activityEnd,
  activityStart,
  audioStreamEnd,
  buildSetup,
  clientContent,
  realtimeAudio,
  realtimeText,
  realtimeVideo,
  toolResponse,
} from '../../src/transport/codec.ts';
import { buildUrl } from '../../src/transport/url.ts';

interface Capture {
  url: string;
  frames: unknown[];
}

let server: WebSocketServer;
let base = '';
const captures: Capture[] = [];

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  base = `http://127.0.0.1:${port}`;
  server.on('connection', (ws: WebSocket, req) => {
    const capture: Capture = { url: req.url ?? '', frames: [] };
    captures.push(capture);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      capture.frames.push(frame);
      if ('setup' in frame) ws.send(JSON.stringify({ setupComplete: {} }));
    });
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

const MODEL = 'gemini-3.8-live';
const API_KEY = 'test-key/with?odd&chars';

/** Runs one genai session and returns everything it sent. */
async function genaiFrames(
  config: LiveConnectConfig,
  act: (session: Session) => void = () => {},
  apiKey = API_KEY,
): Promise<Capture> {
  const apiVersion = apiKey.startsWith('auth_tokens/') ? 'v1alpha' : 'v1beta';
  const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: base, apiVersion } });
  const before = captures.length;
  const session = await ai.live.connect({
    model: MODEL,
    // genai mutates the config (tools); give it its own copy.
    config: structuredClone(config),
    callbacks: { onmessage: () => {} },
  });
  act(session);
  const capture = captures[before] as Capture;
  const expected = 1 + (act.length > 0 ? 1 : 0);
  await expect.poll(() => capture.frames.length).toBeGreaterThanOrEqual(expected);
  session.close();
  return capture;
}

function assertNoMediaChunks(frames: unknown[]): void {
  for (const f of frames) expect(JSON.stringify(f)).not.toContain('mediaChunks');
}

const weatherSchema = {
  type: 'object',
  properties: {
    location: { type: 'string', description: 'City' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
    tags: { type: ['array', 'null'], items: { type: 'string' } },
  },
  required: ['location'],
  additionalProperties: false,
};

const setupCases: [string, LiveConnectConfig][] = [
  ['empty config', {}],
  ['responseModalities AUDIO', { responseModalities: ['AUDIO' as never] }],
  [
    'speechConfig voice + language',
    {
      speechConfig: {
        voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } },
        languageCode: 'en-US',
      },
    },
  ],
  ['sampling', { temperature: 0.7, topP: 0.9, topK: 40, maxOutputTokens: 512, seed: 7 }],
  ['mediaResolution', { mediaResolution: 'MEDIA_RESOLUTION_LOW' as never }],
  ['thinkingConfig', { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } }],
  ['enableAffectiveDialog', { enableAffectiveDialog: true }],
  ['systemInstruction string', { systemInstruction: 'You are a helpful assistant.' }],
  [
    'systemInstruction Content',
    { systemInstruction: { role: 'system', parts: [{ text: 'Be brief.' }, { text: 'Be kind.' }] } },
  ],
  ['systemInstruction parts list', { systemInstruction: ['One.', { text: 'Two.' }] }],
  [
    'tools: parameters Schema (OpenAPI)',
    {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather',
              parameters: {
                type: 'OBJECT' as never,
                properties: { location: { type: 'STRING' as never } },
                required: ['location'],
              },
            },
          ],
        },
      ],
    },
  ],
  [
    'tools: lowercase JSON Schema in parameters',
    { tools: [{ functionDeclarations: [{ name: 'w', parameters: weatherSchema as never }] }] },
  ],
  [
    'tools: $schema in parameters moves to parametersJsonSchema',
    {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'w',
              parameters: {
                $schema: 'http://json-schema.org/draft-07/schema#',
                ...weatherSchema,
              } as never,
            },
          ],
        },
      ],
    },
  ],
  [
    'tools: parametersJsonSchema + behavior NON_BLOCKING',
    {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'book',
              description: 'Book it',
              parametersJsonSchema: weatherSchema,
              behavior: 'NON_BLOCKING' as never,
            },
          ],
        },
      ],
    },
  ],
  ['tools: googleSearch', { tools: [{ googleSearch: {} }] }],
  ['tools: codeExecution + googleSearch', { tools: [{ codeExecution: {} }, { googleSearch: {} }] }],
  ['inputAudioTranscription', { inputAudioTranscription: {} }],
  ['outputAudioTranscription', { outputAudioTranscription: {} }],
  [
    'realtimeInputConfig VAD',
    {
      realtimeInputConfig: {
        automaticActivityDetection: {
          disabled: false,
          startOfSpeechSensitivity: 'START_SENSITIVITY_LOW' as never,
          endOfSpeechSensitivity: 'END_SENSITIVITY_LOW' as never,
          prefixPaddingMs: 20,
          silenceDurationMs: 100,
        },
        activityHandling: 'START_OF_ACTIVITY_INTERRUPTS' as never,
        turnCoverage: 'TURN_INCLUDES_ONLY_ACTIVITY' as never,
      },
    },
  ],
  [
    'realtimeInputConfig manual activity',
    { realtimeInputConfig: { automaticActivityDetection: { disabled: true } } },
  ],
  ['sessionResumption empty', { sessionResumption: {} }],
  ['sessionResumption with handle', { sessionResumption: { handle: 'resume-123' } }],
  [
    'contextWindowCompression',
    {
      contextWindowCompression: {
        triggerTokens: '25600',
        slidingWindow: { targetTokens: '12800' },
      },
    },
  ],
  ['proactivity', { proactivity: { proactiveAudio: true } }],
  [
    'deprecated generationConfig merged with flat fields',
    { generationConfig: { candidateCount: 1 }, temperature: 0.2 } as LiveConnectConfig,
  ],
];

const everything: LiveConnectConfig = Object.assign({}, ...setupCases.map(([, c]) => c));
// Object.assign keeps only the last `tools`: make the combined case carry several tools.
everything.tools = setupCases.flatMap(([, c]) => c.tools ?? []);
setupCases.push(['every field together', everything]);

describe('setup frame equals @google/genai', () => {
  it.each(setupCases)('%s', async (_name, config) => {
    const { frames } = await genaiFrames(config);
    const ours = buildSetup({
      endpoint: base,
      credential: { kind: 'apiKey', value: API_KEY },
      model: MODEL,
      config: structuredClone(config),
      functionDeclarations: [],
      connectTimeoutMs: 1000,
    });
    expect(JSON.parse(JSON.stringify(ours))).toEqual(frames[0]);
    assertNoMediaChunks(frames);
  });

  it('registry declarations and resumeHandle map to tools and sessionResumption', async () => {
    const decl = { name: 'lookup', description: 'Look up', parameters: weatherSchema };
    const { frames } = await genaiFrames({
      tools: [{ googleSearch: {} }, { functionDeclarations: [structuredClone(decl) as never] }],
      sessionResumption: { handle: 'h-9' },
    });
    const ours = buildSetup({
      endpoint: base,
      credential: { kind: 'apiKey', value: API_KEY },
      model: `models/${MODEL}`,
      config: { tools: [{ googleSearch: {} }] },
      functionDeclarations: [decl],
      resumeHandle: 'h-9',
      connectTimeoutMs: 1000,
    });
    expect(JSON.parse(JSON.stringify(ours))).toEqual(frames[0]);
  });
});

const b64 = Buffer.from(new Int16Array([0, 1000, -1000, 32767]).buffer).toString('base64');
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64');

const clientCases: [string, (s: Session) => void, ClientMessage][] = [
  [
    'realtime audio',
    (s) => s.sendRealtimeInput({ audio: { data: b64, mimeType: 'audio/pcm;rate=16000' } }),
    realtimeAudio(b64, 16000),
  ],
  [
    'realtime audio 24 kHz',
    (s) => s.sendRealtimeInput({ audio: { data: b64, mimeType: 'audio/pcm;rate=24000' } }),
    realtimeAudio(b64, 24000),
  ],
  [
    'realtime video',
    (s) => s.sendRealtimeInput({ video: { data: jpeg, mimeType: 'image/jpeg' } }),
    realtimeVideo(jpeg),
  ],
  [
    'realtime text',
    (s) => s.sendRealtimeInput({ text: 'hello there' }),
    realtimeText('hello there'),
  ],
  ['activityStart', (s) => s.sendRealtimeInput({ activityStart: {} }), activityStart()],
  ['activityEnd', (s) => s.sendRealtimeInput({ activityEnd: {} }), activityEnd()],
  ['audioStreamEnd', (s) => s.sendRealtimeInput({ audioStreamEnd: true }), audioStreamEnd()],
  [
    'clientContent string',
    (s) => s.sendClientContent({ turns: 'Hi' }),
    clientContent({ turns: 'Hi' }),
  ],
  [
    'clientContent Content[] turnComplete false',
    (s) =>
      s.sendClientContent({
        turns: [
          { role: 'user', parts: [{ text: 'a' }] },
          { role: 'model', parts: [{ text: 'b' }] },
        ],
        turnComplete: false,
      }),
    clientContent({
      turns: [
        { role: 'user', parts: [{ text: 'a' }] },
        { role: 'model', parts: [{ text: 'b' }] },
      ],
      turnComplete: false,
    }),
  ],
  [
    'clientContent parts list',
    (s) => s.sendClientContent({ turns: ['x', { text: 'y' }] }),
    clientContent({ turns: ['x', { text: 'y' }] }),
  ],
  ['clientContent turnComplete only', (s) => s.sendClientContent({}), clientContent()],
  [
    'toolResponse',
    (s) =>
      s.sendToolResponse({
        functionResponses: [{ id: 'fc-1', name: 'get_weather', response: { output: { t: 21 } } }],
      }),
    toolResponse([{ id: 'fc-1', name: 'get_weather', response: { output: { t: 21 } } }]),
  ],
  [
    'toolResponse with scheduling (NON_BLOCKING)',
    (s) =>
      s.sendToolResponse({
        functionResponses: {
          id: 'fc-2',
          name: 'book',
          response: { output: 'ok' },
          scheduling: 'WHEN_IDLE' as never,
          willContinue: false,
        },
      }),
    toolResponse({
      id: 'fc-2',
      name: 'book',
      response: { output: 'ok' },
      scheduling: 'WHEN_IDLE',
      willContinue: false,
    }),
  ],
];

describe('client frames equal @google/genai', () => {
  it.each(clientCases)('%s', async (_name, act, ours) => {
    const { frames } = await genaiFrames({ responseModalities: ['AUDIO' as never] }, act);
    expect(JSON.parse(JSON.stringify(ours))).toEqual(frames[1]);
    assertNoMediaChunks(frames);
  });
});

describe('endpoint URL equals @google/genai', () => {
  it('API key: v1beta BidiGenerateContent ?key=', async () => {
    const { url } = await genaiFrames({});
    const ours = new URL(buildUrl(base, { kind: 'apiKey', value: API_KEY }));
    // genai builds `HOST//ws/…` and does not encode the key; compare the parsed parts.
    expect(url.replace(/^\/+/, '/').split('?')[0]).toBe(ours.pathname);
    expect(ours.pathname).toContain('v1beta.GenerativeService.BidiGenerateContent');
    expect(ours.searchParams.get('key')).toBe(API_KEY);
    expect(ours.protocol).toBe('ws:');
  });

  it('token: v1alpha BidiGenerateContentConstrained ?access_token=', async () => {
    const token = 'auth_tokens/abc123';
    const { url } = await genaiFrames({}, () => {}, token);
    const ours = new URL(buildUrl(base, { kind: 'token', value: token }));
    expect(url.replace(/^\/+/, '/').split('?')[0]).toBe(ours.pathname);
    expect(new URLSearchParams(url.split('?')[1]).get('access_token')).toBe(token);
    expect(ours.searchParams.get('access_token')).toBe(token);
    expect(ours.pathname).toContain('v1alpha.GenerativeService.BidiGenerateContentConstrained');
  });

  it('https maps to wss and a path prefix is kept', () => {
    const url = buildUrl('https://proxy.example.com/gemini/', {
      kind: 'token',
      value: 'auth_tokens/a b',
    });
    expect(url).toBe(
      'wss://proxy.example.com/gemini/ws/google.ai.generativelanguage.v1alpha.GenerativeService.' +
        'BidiGenerateContentConstrained?access_token=auth_tokens%2Fa%20b',
    );
  });
});

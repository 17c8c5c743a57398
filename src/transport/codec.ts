/**
 * The Gemini Live codec (docs/protocol.md), the only place Live JSON is written or read: the
 * setup frame built from @google/genai's flat `LiveConnectConfig` exactly as genai's
 * `liveConnectParametersToMldev` builds it, the client frame of each session intent, and server
 * frames parsed and normalised into inbound events. test/node/conformance.test.ts compares what a
 * running session sends with what genai sends.
 */
import { LiveAgentError, ProtocolError } from '../core/errors.ts';
import type {
  ClientIntent,
  InboundEvent,
  OpenParams,
  TransportCapabilities,
} from '../core/transport.ts';
import type {
  ClientMessage,
  Content,
  FunctionCall,
  FunctionResponse,
  Part,
  ServerMessage,
  SetupBody,
  Tool,
} from '../core/wire.ts';
import { buildUrl } from './url.ts';
import { contentsToWire, contentToWire, pick, refuse, toolToWire, vertexOnly } from './content.ts';

type Json = Record<string, unknown>;

/** Gemini Live can do everything the session offers. */
export const GEMINI_CAPABILITIES: TransportCapabilities = Object.freeze({
  tools: true,
  pushToTalk: true,
  audioStreamEnd: true,
  resumption: true,
  voice: true,
  video: true,
});

/** Flat `LiveConnectConfig` fields that genai moves under `setup.generationConfig`. */
const GENERATION_FIELDS = [
  'responseModalities',
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'mediaResolution',
  'seed',
  'speechConfig',
  'thinkingConfig',
  'enableAffectiveDialog',
  'translationConfig',
] as const;

/** Fields copied verbatim to `setup`. */
const SETUP_FIELDS = [
  'inputAudioTranscription',
  'outputAudioTranscription',
  'realtimeInputConfig',
  'contextWindowCompression',
  'proactivity',
  'avatarConfig',
  'labels',
] as const;

/** genai's `tModel` (Gemini API): `models/` prefix unless already a resource name. */
export function toModelName(model: string): string {
  if (!model || model.includes('..') || model.includes('?') || model.includes('&'))
    throw new LiveAgentError('invalid-request', 'Invalid model name');
  return model.startsWith('models/') || model.startsWith('tunedModels/')
    ? model
    : `models/${model}`;
}

/**
 * The first client frame. `params.functionDeclarations` (the tools registry) become one more
 * tool after `config.tools`; `params.resumeHandle` becomes `sessionResumption.handle`.
 */
export function buildSetup(params: OpenParams): { setup: SetupBody } {
  const config = (params.config ?? {}) as Json;
  refuse(config, ['explicitVadSignal']);
  const setup: SetupBody = { model: toModelName(params.model) };
  const generation: Json = { ...((config['generationConfig'] as Json | undefined) ?? {}) };
  const speech = config['speechConfig'] as Json | undefined;
  if (speech != null && 'multiSpeakerVoiceConfig' in speech)
    throw new LiveAgentError('invalid-request', 'multiSpeakerVoiceConfig is not supported live');
  Object.assign(generation, pick(config, GENERATION_FIELDS));
  if (config['generationConfig'] != null || Object.keys(generation).length > 0)
    setup.generationConfig = generation;
  if (config['systemInstruction'] != null)
    setup.systemInstruction = contentToWire(config['systemInstruction']);
  const tools = [...((config['tools'] as Tool[] | undefined) ?? [])];
  if (params.functionDeclarations.length > 0)
    tools.push({ functionDeclarations: params.functionDeclarations });
  if (config['tools'] != null || tools.length > 0) setup.tools = tools.map(toolToWire);
  const resumption = config['sessionResumption'] as Json | undefined;
  if (resumption != null || params.resumeHandle) {
    if (resumption?.['transparent'] !== undefined)
      throw vertexOnly('sessionResumption.transparent');
    setup.sessionResumption = pick(resumption ?? {}, ['handle']);
    if (params.resumeHandle) setup.sessionResumption.handle = params.resumeHandle;
  }
  Object.assign(setup, pick(config, SETUP_FIELDS));
  const safety = config['safetySettings'] as Json[] | undefined;
  if (safety != null) {
    setup['safetySettings'] = safety.map((s) => {
      refuse(s, ['method']);
      return pick(s, ['category', 'threshold']);
    });
  }
  return { setup };
}

/** `realtimeInput.audio`: base64 PCM16 LE mono at `sampleRate` (16 kHz for the microphone). */
export function realtimeAudio(data: string, sampleRate: number): ClientMessage {
  return { realtimeInput: { audio: { data, mimeType: `audio/pcm;rate=${sampleRate}` } } };
}

/** `realtimeInput.video`: one base64 image (JPEG, ≈1 fps, ≤ 768 px). */
export function realtimeVideo(data: string, mimeType = 'image/jpeg'): ClientMessage {
  return { realtimeInput: { video: { data, mimeType } } };
}

/** `realtimeInput.text`: text that the server treats like speech (VAD turn-taking). */
export function realtimeText(text: string): ClientMessage {
  return { realtimeInput: { text } };
}

/** Manual turn start (only with `automaticActivityDetection.disabled`). */
export function activityStart(): ClientMessage {
  return { realtimeInput: { activityStart: {} } };
}

/** Manual turn end (only with `automaticActivityDetection.disabled`). */
export function activityEnd(): ClientMessage {
  return { realtimeInput: { activityEnd: {} } };
}

/** Mic paused or muted: lets the server's VAD close the user's turn. */
export function audioStreamEnd(): ClientMessage {
  return { realtimeInput: { audioStreamEnd: true } };
}

/** What genai's `sendClientContent` accepts. */
export interface ClientContentParams {
  turns?: string | Part | Content | (string | Part)[] | Content[];
  /** Default true, like genai. */
  turnComplete?: boolean;
}

/** `clientContent`, converted like genai's `tLiveClientContent`. */
export function clientContent(params: ClientContentParams = {}): ClientMessage {
  const turnComplete = params.turnComplete ?? true;
  if (params.turns == null) return { clientContent: { turnComplete } };
  return { clientContent: { turns: contentsToWire(params.turns), turnComplete } };
}

/** `toolResponse`. Every response must carry its call's `id`. */
export function toolResponse(responses: FunctionResponse | FunctionResponse[]): ClientMessage {
  const list = Array.isArray(responses) ? responses : [responses];
  if (list.length === 0)
    throw new LiveAgentError('invalid-request', 'functionResponses is required');
  for (const r of list) {
    if (typeof r !== 'object' || r === null || !('name' in r) || !('response' in r) || !('id' in r))
      throw new LiveAgentError(
        'invalid-request',
        'A function response needs id, name and response',
      );
  }
  return { toolResponse: { functionResponses: list } };
}

/** The client frame of one session intent. */
export function encodeIntent(intent: ClientIntent): ClientMessage {
  switch (intent.type) {
    case 'audio':
      return realtimeAudio(intent.data, intent.sampleRate);
    case 'video':
      return realtimeVideo(intent.data, intent.mimeType);
    case 'text':
      // What clientContent({ turns: text }) builds, spelled out: the worker ships without the
      // Content converters (content.ts, schema.ts) that only setup and app-built turns need.
      return intent.realtime
        ? realtimeText(intent.text)
        : {
            clientContent: {
              turns: [{ parts: [{ text: intent.text }], role: 'user' }],
              turnComplete: true,
            },
          };
    case 'toolResponses':
      return toolResponse(intent.responses);
    case 'activityStart':
      return activityStart();
    case 'activityEnd':
      return activityEnd();
    case 'audioStreamEnd':
      return audioStreamEnd();
  }
}

/** JSON text of a client frame. Refuses legacy `mediaChunks` (servers close with 1007). */
export function encodeClientMessage(message: ClientMessage): string {
  const realtime = (message as { realtimeInput?: Json }).realtimeInput;
  if (realtime && 'mediaChunks' in realtime)
    throw new LiveAgentError('invalid-request', 'realtimeInput.mediaChunks is deprecated');
  return JSON.stringify(message);
}

// Pure: a bundle that only builds frames (the page's setup) drops it.
const decoder = /* @__PURE__ */ new TextDecoder();

/** Parses one server frame (text, or binary holding JSON text). Throws ProtocolError. */
export function parseServerFrame(data: string | ArrayBuffer | ArrayBufferView): ServerMessage {
  let text: string;
  try {
    text = typeof data === 'string' ? data : decoder.decode(data);
  } catch (cause) {
    throw ProtocolError.malformed('undecodable binary frame', cause);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw ProtocolError.malformed(`not JSON (${text.length} chars)`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw ProtocolError.malformed('not a JSON object');
  return value as ServerMessage;
}

/** Everything the wire needs for one open: URL (holds the credential) and setup frame. */
export function toWireParams(params: OpenParams): {
  url: string;
  setup: { setup: SetupBody };
  connectTimeoutMs: number;
} {
  return {
    url: buildUrl(params.endpoint, params.credential),
    setup: buildSetup(params),
    connectTimeoutMs: params.connectTimeoutMs,
  };
}

/** Parses a protobuf duration string ("50s", "1.5s", "0.250s") into milliseconds. */
export function durationToMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/**
 * The inbound events of one server frame. Several top-level keys and serverContent fields may
 * arrive together; they are listed in the order the session handles them: resumption handle,
 * usage, user transcription, model content, model transcription, interrupted, turnComplete, tool
 * calls, cancellations, goAway. Unknown fields are ignored (they still reach `message`).
 */
export function decodeServerMessage(message: ServerMessage): InboundEvent[] {
  const events: InboundEvent[] = [];
  const resumption = message.sessionResumptionUpdate;
  if (isObject(resumption) && resumption.resumable === true && str(resumption.newHandle))
    events.push({ type: 'resumption', handle: resumption.newHandle as string });
  if (isObject(message.usageMetadata)) events.push({ type: 'usage', usage: message.usageMetadata });
  const content = message.serverContent;
  if (isObject(content)) {
    const input = content.inputTranscription;
    if (isObject(input))
      events.push(transcription('user', str(input.text), input.finished === true));
    const parts = Array.isArray(content.modelTurn?.parts) ? content.modelTurn.parts : [];
    const text: string[] = [];
    let audioParts = 0;
    for (const part of parts as Part[]) {
      if (!isObject(part)) continue;
      if (isObject(part.inlineData) && str(part.inlineData.mimeType)?.startsWith('audio/'))
        audioParts++;
      // Thought parts are the model's reasoning, not something it said.
      if (typeof part.text === 'string' && part.thought !== true) text.push(part.text);
    }
    if (text.length > 0 || audioParts > 0) events.push({ type: 'content', text, audioParts });
    const output = content.outputTranscription;
    if (isObject(output))
      events.push(transcription('model', str(output.text), output.finished === true));
    if (content.interrupted === true) events.push({ type: 'interrupted' });
    // generationComplete only reaches `message`: queued audio keeps playing until turnComplete.
    if (content.turnComplete === true) {
      const reason = str(content.turnCompleteReason);
      events.push(
        reason === undefined ? { type: 'turnComplete' } : { type: 'turnComplete', reason },
      );
    }
  }
  const calls = message.toolCall?.functionCalls;
  if (Array.isArray(calls) && calls.length > 0)
    events.push({ type: 'toolCall', calls: calls.filter(isObject) as FunctionCall[] });
  const ids = message.toolCallCancellation?.ids;
  if (Array.isArray(ids))
    events.push({
      type: 'toolCallCancellation',
      ids: ids.filter((id): id is string => typeof id === 'string'),
    });
  if (isObject(message.goAway))
    events.push({ type: 'goAway', timeLeftMs: durationToMs(str(message.goAway.timeLeft)) ?? 0 });
  return events;
}

function transcription(
  speaker: 'user' | 'model',
  text: string | undefined,
  finished: boolean,
): InboundEvent {
  return text === undefined
    ? { type: 'transcription', speaker, finished }
    : { type: 'transcription', speaker, text, finished };
}

function isObject<T>(value: T | null | undefined): value is T & object {
  return typeof value === 'object' && value !== null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

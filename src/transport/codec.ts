/**
 * Our own Gemini Live codec (PROTOCOL.md): the setup frame built from @google/genai's flat
 * `LiveConnectConfig` exactly as genai's `liveConnectParametersToMldev` builds it (checked by
 * test/node/conformance.test.ts), client frame builders, and server frame parsing.
 */
import { LiveAgentError, ProtocolError } from '../core/errors.ts';
import type { OpenParams } from '../core/transport.ts';
import type {
  ClientMessage,
  Content,
  FunctionResponse,
  Part,
  ServerMessage,
  SetupBody,
  Tool,
} from '../core/wire.ts';
import { buildUrl } from './url.ts';
import { contentsToWire, contentToWire, pick, refuse, toolToWire, vertexOnly } from './content.ts';

type Json = Record<string, unknown>;

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
export function realtimeAudio(data: string, sampleRate = 16000): ClientMessage {
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

/** JSON text of a client frame. Refuses legacy `mediaChunks` (servers close with 1007). */
export function encodeClientMessage(message: ClientMessage): string {
  const realtime = (message as { realtimeInput?: Json }).realtimeInput;
  if (realtime && 'mediaChunks' in realtime)
    throw new LiveAgentError('invalid-request', 'realtimeInput.mediaChunks is deprecated');
  return JSON.stringify(message);
}

const decoder = new TextDecoder();

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

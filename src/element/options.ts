/**
 * Attribute → session option mapping of `<live-agent>`. Attributes win over the `config`
 * property for the fields they name, so markup stays the source of truth a designer can edit.
 */
import type { LiveConfig } from '../core/transport.ts';
import type { LiveAgentOptions, TokenSource, ToolDefinition } from '../core/types.ts';
import { LiveAgentError } from '../core/errors.ts';

/** Attributes that change the session's options (observed; effective on the next connect). */
export const SESSION_ATTRIBUTES = [
  'token-url',
  'endpoint',
  'model',
  'voice',
  'language',
  'mode',
  'instructions',
  'microphone',
  'transport',
  'app-name',
  'user-id',
  'session-id',
] as const;

/** `transport="adk"`: which ADK agent server session the element talks to. */
export interface AdkTarget {
  endpoint: string;
  appName: string;
  userId: string;
  sessionId?: string;
}

/** The ADK target of the attributes, or undefined for the Gemini transport. */
export function adkTarget(attr: (name: string) => string | null): AdkTarget | undefined {
  if (attr('transport') !== 'adk') return undefined;
  const [endpoint, appName, userId] = [attr('endpoint'), attr('app-name'), attr('user-id')];
  if (!endpoint || !appName || !userId)
    throw new LiveAgentError(
      'invalid-request',
      '<live-agent transport="adk"> needs endpoint, app-name and user-id attributes',
    );
  const sessionId = attr('session-id');
  return { endpoint, appName, userId, ...(sessionId ? { sessionId } : {}) };
}

// ADK's server holds the model credentials: the session's credential slot carries nothing.
const ADK_PLACEHOLDER_TOKEN = 'auth_tokens/adk-server-side';

/** Media options the attributes decide (`microphone="off"`: listen and type, no mic). */
export function mediaOptions(attr: (name: string) => string | null): { microphone: boolean } {
  return { microphone: attr('microphone') !== 'off' };
}

/** What the element knows besides its attributes. */
export interface ElementInputs {
  attr(name: string): string | null;
  token: TokenSource | undefined;
  config: LiveConfig | undefined;
  tools: ToolDefinition[];
  /** Base for resolving a relative `token-url` (the document's base URL). */
  baseUrl: string;
}

/** Builds the session options; throws `token-invalid` when neither `token-url` nor `token` is set. */
export function sessionOptions(input: ElementInputs): LiveAgentOptions {
  const tokenUrl = input.attr('token-url');
  const adk = input.attr('transport') === 'adk';
  const token =
    input.token ??
    (tokenUrl ? { url: new URL(tokenUrl, input.baseUrl).href } : undefined) ??
    (adk ? ADK_PLACEHOLDER_TOKEN : undefined);
  if (token === undefined) {
    throw new LiveAgentError(
      'token-invalid',
      '<live-agent> needs a token-url attribute (or a token property)',
    );
  }
  // Transcripts are what the element shows: ask for both unless the app configured them itself.
  const config: LiveConfig = {
    responseModalities: ['AUDIO' as never],
    inputAudioTranscription: {},
    outputAudioTranscription: {},
    ...input.config,
  };
  const voice = input.attr('voice');
  const language = input.attr('language');
  if (voice || language) {
    config.speechConfig = {
      ...config.speechConfig,
      ...(voice ? { voiceConfig: { prebuiltVoiceConfig: { voiceName: voice } } } : {}),
      ...(language ? { languageCode: language } : {}),
    };
  }
  const instructions = input.attr('instructions');
  if (instructions) config.systemInstruction = instructions;
  const endpoint = input.attr('endpoint');
  const model = input.attr('model');
  return {
    token,
    config,
    tools: input.tools,
    // ADK's wire has no push-to-talk (server VAD only).
    mode: !adk && input.attr('mode') === 'push-to-talk' ? 'push-to-talk' : 'vad',
    ...(endpoint ? { endpoint } : {}),
    ...(model ? { model } : {}),
  };
}

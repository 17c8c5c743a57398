/**
 * Validation of client frames and setup, with the close codes and reasons Google uses: 1007
 * "Request contains an invalid argument." for anything malformed, 1008 for auth and model
 * problems. The precise cause goes to the log / `session.closeDetail`, since Google's reasons
 * are terse.
 */
import type { SetupBody } from '../core/wire.ts';
import type { AgentSnapshot } from './agent.ts';
import { camel, camelizeMessage } from './casing.ts';
import type { HandleStore } from './handles.ts';
import type { Script } from './script.ts';
import { applyConstraints, type TokenStore } from './tokens.ts';
import type { EmulatorSettings, IssuedToken, SessionCredential, SessionRoute } from './types.ts';

/** Google's generic 1007 reason. */
export const INVALID = 'Request contains an invalid argument.';
/** Reason for the legacy `realtimeInput.mediaChunks` field. */
export const MEDIA_CHUNKS =
  'realtime_input.media_chunks is deprecated. Use audio, video, or text instead.';

/** What a session needs from the emulator. */
export interface SessionContext {
  settings: EmulatorSettings;
  route: SessionRoute;
  credential: SessionCredential;
  token: IssuedToken | undefined;
  tokens: TokenStore;
  handles: HandleStore;
  globalScript: Script;
}

const TOP_LEVEL = new Set([
  'setup',
  'clientContent',
  'realtimeInput',
  'toolResponse',
  'contextUpdate',
]);
const REALTIME = new Set([
  'audio',
  'video',
  'text',
  'activityStart',
  'activityEnd',
  'audioStreamEnd',
  'mediaChunks',
]);

type Routed =
  | { message: Record<string, unknown>; key: string; body: unknown }
  | { error: string; reason?: string };

/** Per-session switches of {@link routeMessage}. */
export interface RouteOptions {
  /** True before the setup: the frame must be the setup. */
  expectSetup: boolean;
  /** True when the session's model still takes the legacy `realtimeInput.mediaChunks`. */
  mediaChunks: boolean;
}

/**
 * Checks one parsed client frame and normalises its field names to lowerCamel at every depth
 * (free-form payloads stay verbatim, see casing.ts).
 */
export function routeMessage(
  message: Record<string, unknown> | undefined,
  options: RouteOptions,
): Routed {
  const { expectSetup } = options;
  if (!message) return { error: 'frame is not a JSON object' };
  const keys = Object.keys(message);
  if (keys.length !== 1) {
    return { error: `a client message needs exactly one top-level field, got ${keys.length}` };
  }
  const key = camel(keys[0] ?? '');
  const body = message[keys[0] ?? ''];
  if (!TOP_LEVEL.has(key)) return { error: `unknown top-level field "${keys[0]}"` };
  if (expectSetup && key !== 'setup') return { error: `first message must be setup, got ${key}` };
  if (!expectSetup && key === 'setup') return { error: 'setup sent twice' };
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { error: `${key} must be an object` };
  }
  const normalized = camelizeMessage(body, key) as Record<string, unknown>;
  if (key === 'realtimeInput') {
    if ('mediaChunks' in normalized && !options.mediaChunks) {
      return { error: 'realtimeInput.mediaChunks is deprecated', reason: MEDIA_CHUNKS };
    }
    if ('mediaChunks' in normalized && !validBlobs(normalized.mediaChunks)) {
      return { error: 'realtimeInput.mediaChunks needs a list of {data, mimeType}' };
    }
    const unknown = Object.keys(normalized).find((k) => !REALTIME.has(k));
    if (unknown) return { error: `unknown realtimeInput field "${unknown}"` };
    for (const k of ['audio', 'video'] as const) {
      const blob = normalized[k] as { data?: unknown; mimeType?: unknown } | undefined;
      if (blob !== undefined && (typeof blob !== 'object' || typeof blob.data !== 'string')) {
        return { error: `realtimeInput.${k} needs {data, mimeType}` };
      }
    }
    if (
      normalized.audio &&
      !/^audio\//.test(String((normalized.audio as { mimeType?: unknown }).mimeType ?? 'audio/pcm'))
    ) {
      return { error: 'realtimeInput.audio mimeType must be audio/*' };
    }
  }
  if (
    key === 'clientContent' &&
    normalized.turns !== undefined &&
    !Array.isArray(normalized.turns)
  ) {
    return { error: 'clientContent.turns must be a list' };
  }
  if (key === 'toolResponse' && !Array.isArray(normalized.functionResponses)) {
    return { error: 'toolResponse.functionResponses must be a list' };
  }
  return { message: { [key]: normalized }, key, body: normalized };
}

function validBlobs(chunks: unknown): boolean {
  return (
    Array.isArray(chunks) &&
    chunks.every(
      (c) => !!c && typeof c === 'object' && typeof (c as { data?: unknown }).data === 'string',
    )
  );
}

/** True when `model` (with or without `models/`) takes `realtimeInput.mediaChunks`. */
export function acceptsMediaChunks(settings: EmulatorSettings, model: string | undefined): boolean {
  return !!model && settings.mediaChunksModels.test(model.replace(/^.*models\//, ''));
}

type SetupCheck =
  | { setup: SetupBody; snapshot: AgentSnapshot | undefined }
  | { error: string; code: number; reason: string };

/** Applies auth, resumption, token constraints and model rules to a client's setup. */
export function checkSetup(ctx: SessionContext, body: SetupBody): SetupCheck {
  const handle = body.sessionResumption?.handle;
  let snapshot: AgentSnapshot | undefined;
  if (handle) {
    snapshot = ctx.handles.resolve(handle);
    if (!snapshot) {
      const reason = 'Session resumption handle is invalid or expired.';
      return { error: `unknown resumption handle ${handle}`, code: 1008, reason };
    }
  }
  if (ctx.token) {
    const problem = ctx.tokens.consume(ctx.token, snapshot !== undefined);
    if (problem) return { error: problem, code: 1008, reason: problem };
  }
  const setup = applyConstraints(ctx.token, structuredClone(body));
  if (typeof setup.model !== 'string' || setup.model.length === 0) {
    return { error: 'setup.model is missing', code: 1007, reason: INVALID };
  }
  const id = setup.model.replace(/^.*models\//, '');
  const models = ctx.settings.models;
  const known = !models || (models instanceof RegExp ? models.test(id) : models.includes(id));
  if (!known || !/(^|\/)models\//.test(setup.model)) {
    const reason =
      `${setup.model} is not found for API version ${ctx.route.apiVersion}, or is not ` +
      'supported for bidiGenerateContent. Call ListModels to see the list of available models.';
    return { error: `model ${setup.model} not allowed`, code: 1008, reason };
  }
  const modalities = (setup.generationConfig?.responseModalities ?? []) as unknown[];
  if (!Array.isArray(modalities) || modalities.length > 1) {
    return { error: 'responseModalities takes exactly one modality', code: 1007, reason: INVALID };
  }
  const text = modalities.some((m) => String(m).toUpperCase() === 'TEXT');
  if (text && ctx.settings.audioOnlyModels.test(id)) {
    const reason = 'Cannot extract voices from a non-audio request.';
    return { error: `${id} answers in AUDIO only`, code: 1007, reason };
  }
  return { setup, snapshot };
}

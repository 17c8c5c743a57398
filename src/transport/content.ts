/**
 * Field-by-field mirrors of @google/genai's `contentToMldev`, `partToMldev` and `toolToMldev`
 * (Gemini Developer API mode): only known fields reach the wire, Vertex-only fields are refused
 * the way genai refuses them, and tool schemas are normalised like `tTool` does.
 */
import { LiveAgentError } from '../core/errors.ts';
import type { Content, FunctionDeclaration, Part, Tool } from '../core/wire.ts';
import { processJsonSchema } from './schema.ts';

type Json = Record<string, unknown>;

/** Thrown for a field genai accepts only in Vertex mode (the Gemini API would refuse it). */
export function vertexOnly(field: string): LiveAgentError {
  return new LiveAgentError(
    'invalid-request',
    `${field} is only supported by Vertex AI, not the Gemini Developer API`,
  );
}

/** Copies the listed fields whose value is neither null nor undefined. */
export function pick(from: Json, fields: readonly string[]): Json {
  const out: Json = {};
  for (const f of fields) if (from[f] != null) out[f] = from[f];
  return out;
}

/** Throws when any of the fields is present (genai checks `!== undefined`). */
export function refuse(from: Json, fields: readonly string[]): void {
  for (const f of fields) if (from[f] !== undefined) throw vertexOnly(f);
}

const PART_FIELDS = [
  'mediaResolution',
  'toolCall',
  'toolResponse',
  'audioTranscription',
  'codeExecutionResult',
  'executableCode',
  'fileData',
  'functionResponse',
  'inlineData',
  'text',
  'thought',
  'thoughtSignature',
  'videoMetadata',
  'partMetadata',
  'mediaProcessing',
  'speechMetadata',
] as const;

function partToWire(part: Json): Part {
  const out = pick(part, PART_FIELDS);
  const call = part['functionCall'] as Json | null | undefined;
  if (call != null) {
    refuse(call, ['partialArgs', 'willContinue']);
    out['functionCall'] = pick(call, ['args', 'id', 'name']);
  }
  return out as Part;
}

function isContent(value: unknown): value is Content {
  return typeof value === 'object' && value !== null && Array.isArray((value as Content).parts);
}

function toPart(value: unknown): Json {
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'object' && value !== null) return value as Json;
  throw new LiveAgentError('invalid-request', `Unsupported part type: ${typeof value}`);
}

/** genai's `tContent` + `contentToMldev`: a string, part or part list becomes a user turn. */
export function contentToWire(value: unknown): Content {
  if (value == null) throw new LiveAgentError('invalid-request', 'Content is required');
  const content: Content = isContent(value)
    ? value
    : { role: 'user', parts: (Array.isArray(value) ? value : [value]).map(toPart) as Part[] };
  const out: Content = {};
  if (content.parts != null) out.parts = content.parts.map((p) => partToWire(p as Json));
  if (content.role != null) out.role = content.role;
  return out;
}

/** genai's `tContents`: Content[] stays as is; loose parts are grouped into one user turn. */
export function contentsToWire(value: unknown): Content[] {
  if (value == null || (Array.isArray(value) && value.length === 0))
    throw new LiveAgentError('invalid-request', 'contents are required');
  if (!Array.isArray(value) || !isContent(value[0])) return [contentToWire(value)];
  return value.map((item) => {
    if (!isContent(item)) throw new LiveAgentError('invalid-request', 'Mixing Content and Parts');
    return contentToWire(item);
  });
}

function schemaField(decl: Json, plain: string, json: string): void {
  const value = decl[plain] as Json | undefined;
  if (!value) return;
  if (!Object.keys(value).includes('$schema')) {
    decl[plain] = processJsonSchema(value);
  } else if (!decl[json]) {
    // A real JSON Schema (has $schema) travels as the JSON-schema field, like genai's tTool.
    decl[json] = value;
    decl[plain] = undefined;
  }
}

/** genai's `tTool` for one declaration, on a copy. */
export function declarationToWire(decl: FunctionDeclaration): FunctionDeclaration {
  const out: Json = { ...decl };
  schemaField(out, 'parameters', 'parametersJsonSchema');
  schemaField(out, 'response', 'responseJsonSchema');
  return out as unknown as FunctionDeclaration;
}

const TOOL_FIELDS = [
  'mcpServers',
  'codeExecution',
  'computerUse',
  'googleSearchRetrieval',
  'urlContext',
  'fileSearch',
] as const;

/** genai's `toolToMldev(tTool(tool))`. */
export function toolToWire(tool: Tool): Tool {
  const from = tool as Json;
  refuse(from, ['retrieval', 'enterpriseWebSearch', 'exaAiSearch', 'parallelAiSearch']);
  const out: Json = pick(from, TOOL_FIELDS);
  const maps = from['googleMaps'] as Json | null | undefined;
  if (maps != null) {
    refuse(maps, ['groundingTypes']);
    const auth = maps['authConfig'] as Json | null | undefined;
    const mapsOut = pick(maps, ['enableWidget']);
    if (auth != null) {
      refuse(auth, [
        'apiKeyConfig',
        'authType',
        'googleServiceAccountConfig',
        'httpBasicAuthConfig',
        'oauthConfig',
        'oidcConfig',
      ]);
      mapsOut['authConfig'] = pick(auth, ['apiKey']);
    }
    out['googleMaps'] = mapsOut;
  }
  if (tool.functionDeclarations != null)
    out['functionDeclarations'] = tool.functionDeclarations.map(declarationToWire);
  const search = from['googleSearch'] as Json | null | undefined;
  if (search != null) {
    refuse(search, ['blockingConfidence', 'excludeDomains']);
    out['googleSearch'] = pick(search, ['searchTypes', 'timeRangeFilter']);
  }
  return out as Tool;
}

/**
 * JSON Schema → Gemini `Schema` normalisation, ported from @google/genai's `processJsonSchema`
 * (Node build, 3.3.0) so `parameters` written as lowercase JSON Schema reach the wire exactly as
 * genai sends them: upper-case types, `anyOf` with `null` folded into `nullable`, no
 * `additionalProperties`. Unlike genai it never mutates the caller's object.
 */
import { LiveAgentError } from '../core/errors.ts';

type Json = Record<string, unknown>;

const TYPES = [
  'TYPE_UNSPECIFIED',
  'STRING',
  'NUMBER',
  'INTEGER',
  'BOOLEAN',
  'ARRAY',
  'OBJECT',
  'NULL',
];

function invalid(detail: string): LiveAgentError {
  return new LiveAgentError('invalid-request', `Invalid tool schema: ${detail}`);
}

function toType(value: string): string {
  const upper = value.toUpperCase();
  return TYPES.includes(upper) ? upper : 'TYPE_UNSPECIFIED';
}

function flattenTypeArray(types: string[], out: Json): void {
  if (types.includes('null')) out['nullable'] = true;
  const rest = types.filter((t) => t !== 'null');
  if (rest.length === 1) out['type'] = toType(rest[0] as string);
  else out['anyOf'] = rest.map((t) => ({ type: toType(t) }));
}

/** Normalises one schema node (recursing into items, anyOf and properties). */
export function processJsonSchema(input: Json): Json {
  const out: Json = {};
  let schema = input;
  if (schema['type'] && schema['anyOf']) throw invalid('type and anyOf cannot be both populated');
  const anyOf = schema['anyOf'] as Json[] | undefined;
  if (anyOf != null && anyOf.length === 2) {
    if (anyOf[0]?.['type'] === 'null') {
      out['nullable'] = true;
      schema = anyOf[1] as Json;
    } else if (anyOf[1]?.['type'] === 'null') {
      out['nullable'] = true;
      schema = anyOf[0] as Json;
    }
  }
  if (Array.isArray(schema['type'])) flattenTypeArray(schema['type'] as string[], out);
  for (const [field, value] of Object.entries(schema)) {
    if (value == null) continue;
    if (field === 'type') {
      if (value === 'null') throw invalid('type: null can not be the only possible type');
      if (Array.isArray(value)) continue;
      out['type'] = toType(String(value));
    } else if (field === 'items') {
      out[field] = processJsonSchema(value as Json);
    } else if (field === 'anyOf') {
      const list: Json[] = [];
      for (const item of value as Json[]) {
        if (item['type'] == 'null') {
          out['nullable'] = true;
          continue;
        }
        list.push(processJsonSchema(item));
      }
      out[field] = list;
    } else if (field === 'properties') {
      const props: Json = {};
      for (const [key, sub] of Object.entries(value as Json))
        props[key] = processJsonSchema(sub as Json);
      out[field] = props;
    } else if (field !== 'additionalProperties') {
      out[field] = value;
    }
  }
  return out;
}

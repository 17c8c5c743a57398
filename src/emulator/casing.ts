/**
 * Protobuf-JSON leniency: Google's parser takes a message field under its lowerCamel JSON name or
 * its proto name (`turn_complete`), at every depth, and real clients rely on it (the Python
 * google-genai client writes `client_content.turns[].parts[].inline_data.mime_type`). Free-form
 * values are kept verbatim, as protobuf keeps `Struct`/`Value` fields and map keys: function call
 * `args`, function response `response`, JSON schemas and schema property names — rewriting them
 * would change the user's data.
 */

/** `turn_complete` → `turnComplete` (a camelCase name is unchanged). */
export const camel = (key: string): string =>
  key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

type Kind = 'message' | 'schema' | 'verbatim';

/** Fields holding a `Struct`/`Value` (anything JSON) in the messages a client sends. */
const VERBATIM_FIELDS = new Set([
  'args',
  'parametersJsonSchema',
  'responseJsonSchema',
  'partialArgs',
]);
/** Fields holding an OpenAPI-style `Schema` message. */
const SCHEMA_FIELDS = new Set(['parameters', 'responseSchema']);
/** Inside a `Schema`: values that are the user's data, not schema messages. */
const SCHEMA_VERBATIM = new Set(['default', 'example', 'enum', 'required', 'propertyOrdering']);

/**
 * Returns `value` with every message field name in lowerCamel, following the shape of Live client
 * messages; `field` is the (camel) name the value sits under.
 */
export function camelizeMessage(value: unknown, field = ''): unknown {
  return walk(value, 'message', field);
}

function walk(value: unknown, kind: Kind, field: string): unknown {
  if (kind === 'verbatim' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, kind, field));
  const out: Record<string, unknown> = {};
  for (const [raw, child] of Object.entries(value as Record<string, unknown>)) {
    const key = camel(raw);
    out[key] =
      kind === 'schema' ? schemaChild(key, child) : walk(child, childKind(field, key), key);
  }
  return out;
}

function childKind(parent: string, key: string): Kind {
  if (VERBATIM_FIELDS.has(key)) return 'verbatim';
  if (SCHEMA_FIELDS.has(key)) return 'schema';
  if (key === 'response') {
    // FunctionResponse.response is a Struct; FunctionDeclaration.response is a Schema.
    return parent === 'functionDeclarations' ? 'schema' : 'verbatim';
  }
  return 'message';
}

function schemaChild(key: string, child: unknown): unknown {
  if (SCHEMA_VERBATIM.has(key)) return child;
  if (key === 'properties' && child && typeof child === 'object' && !Array.isArray(child)) {
    // A map: its keys are the user's property names, its values are schemas.
    return Object.fromEntries(
      Object.entries(child as Record<string, unknown>).map(([k, v]) => [
        k,
        walk(v, 'schema', 'properties'),
      ]),
    );
  }
  return walk(child, 'schema', key);
}

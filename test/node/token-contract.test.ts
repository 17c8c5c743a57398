/**
 * The shared token-route contract (test/contract/token-route.vectors.json) against the Node
 * `createTokenHandler`, minting from the emulator's auth_tokens route. The Python package runs the
 * same file against `create_token_route` (python/tests/test_token_contract.py).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';
import { createTokenHandler, type TokenHandlerOptions } from '../../src/server/index.ts';

interface Expect {
  status: number;
  headers?: Record<string, string>;
  json?: Record<string, unknown>;
  exactKeys?: boolean;
  times?: { expireTimeSeconds: number; newSessionExpireTimeSeconds: number };
  issued?: {
    uses?: number;
    model?: string;
    fieldMask?: null;
    fieldMaskIncludes?: string[];
    setupIncludes?: string;
    setupExcludes?: string;
  };
}
interface VectorRequest {
  method: string;
  origin?: string | null;
  /** The socket's peer address (default 127.0.0.1). */
  peer?: string;
  headers?: Record<string, string>;
  body?: string;
  repeat?: number;
  expect: Expect;
}
interface Vectors {
  site: string;
  path: string;
  model: string;
  keys: { good: string; wrong: string };
  cases: { name: string; options: Record<string, unknown>; requests: VectorRequest[] }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../contract/token-route.vectors.json', import.meta.url), 'utf8'),
) as Vectors;

/** The named hooks of the vectors, defined exactly as the Python suite defines them. */
const HOOKS: Record<string, TokenHandlerOptions['authorize']> = {
  bearer: (request) => {
    const auth = request.headers.get('authorization');
    if (!auth) return false;
    return auth === 'Bearer good' ? true : { status: 403, message: 'Plan has no voice' };
  },
};

let emulator: Emulator;
beforeAll(async () => {
  emulator = await createEmulator({ port: 0, apiKey: vectors.keys.good, log: false });
});
afterAll(() => emulator?.close());

function build(options: Record<string, unknown>) {
  const { apiKey, baseUrl, authorize, ...rest } = options;
  return createTokenHandler({
    ...(rest as Partial<TokenHandlerOptions>),
    apiKey: apiKey === 'wrong' ? vectors.keys.wrong : vectors.keys.good,
    model: vectors.model,
    baseUrl: baseUrl === 'unreachable' ? 'http://127.0.0.1:1' : emulator.url,
    ...(typeof authorize === 'string' ? { authorize: HOOKS[authorize] } : {}),
  });
}

/** The pattern language of the vectors (see their `about`). */
function matches(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'string') {
    if (expected === '<absent>') return actual === null || actual === undefined;
    if (expected === '<present>') return actual !== null && actual !== undefined;
    if (typeof actual !== 'string') return false;
    if (expected === '<string>') return true;
    if (expected === '<iso>') return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(actual);
    if (expected === '<positive-int>') return /^\d+$/.test(actual) && Number(actual) > 0;
    if (expected.startsWith('<re:')) return new RegExp(expected.slice(4, -1)).test(actual);
    return actual === expected;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) =>
      matches((actual as Record<string, unknown>)[k], v),
    );
  }
  return actual === expected;
}

describe('token-route contract (shared vectors) × createTokenHandler', () => {
  for (const vector of vectors.cases) {
    it(vector.name, async () => {
      const handler = build(vector.options);
      for (const [i, req] of vector.requests.entries()) {
        for (let n = 0; n < (req.repeat ?? 1); n++) {
          const origin = req.origin === undefined ? vectors.site : req.origin;
          const t0 = Date.now();
          const response = await handler(
            new Request(vectors.site + vectors.path, {
              method: req.method,
              headers: { ...(origin === null ? {} : { origin }), ...req.headers },
              body: req.body,
            }),
            { remoteAddress: req.peer ?? '127.0.0.1' },
          );
          const at = `${vector.name} #${i}`;
          const text = await response.text();
          expect(text, at).not.toContain(vectors.keys.good);
          expect(text, at).not.toContain(vectors.keys.wrong);
          const e = req.expect;
          expect(response.status, `${at}: ${text}`).toBe(e.status);
          for (const [name, value] of Object.entries(e.headers ?? {})) {
            expect(matches(response.headers.get(name), value), `${at} header ${name}`).toBe(true);
          }
          const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          if (e.json) expect(matches(body, e.json), `${at} body ${text}`).toBe(true);
          if (e.exactKeys) expect(Object.keys(body).sort()).toEqual(Object.keys(e.json!).sort());
          if (e.times) {
            const expire = Date.parse(body.expireTime as string) - t0;
            const fresh = Date.parse(body.newSessionExpireTime as string) - t0;
            expect(Math.abs(expire - e.times.expireTimeSeconds * 1000)).toBeLessThan(5000);
            expect(Math.abs(fresh - e.times.newSessionExpireTimeSeconds * 1000)).toBeLessThan(5000);
          }
          if (e.issued) {
            const issued = emulator.tokens.get(body.token as string);
            expect(issued, at).toBeDefined();
            const setup = JSON.stringify(issued!.setup ?? {});
            if (e.issued.uses !== undefined) expect(issued!.uses).toBe(e.issued.uses);
            if (e.issued.model) expect(issued!.setup?.model).toBe(e.issued.model);
            if (e.issued.fieldMask === null) expect(issued!.fieldMask).toBeUndefined();
            for (const f of e.issued.fieldMaskIncludes ?? [])
              expect(issued!.fieldMask).toContain(f);
            if (e.issued.setupIncludes) expect(setup).toContain(e.issued.setupIncludes);
            if (e.issued.setupExcludes) expect(setup).not.toContain(e.issued.setupExcludes);
          }
        }
      }
    });
  }
});

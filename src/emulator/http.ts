/**
 * The REST side of the emulator: `POST /v1alpha/auth_tokens` (what @google/genai's
 * `authTokens.create` calls), `GET /health`, a self-description at `/`, and JSON 404s that say
 * which routes exist. Errors use Google's `{error:{code,message,status}}` shape. CORS is open so
 * browser tests on another port can mint tokens directly.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenResource, TokenRequestError, type TokenStore } from './tokens.ts';
import type { EmulatorSettings, IssuedToken, TokenRequest } from './types.ts';

/** Path of the Live WebSocket routes (leading slashes are collapsed first). */
export const WS_PATH =
  /^\/ws\/google\.ai\.generativelanguage\.(v1|v1alpha|v1beta)\.GenerativeService\.(BidiGenerateContent|BidiGenerateContentConstrained)$/;

const MAX_BODY = 1 << 20;
const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'INVALID_ARGUMENT',
  426: 'FAILED_PRECONDITION',
};

/** What the HTTP routes need from the emulator. */
export interface HttpContext {
  settings: EmulatorSettings;
  tokens: TokenStore;
  liveSessions(): number;
  startedAt: number;
  onToken(token: IssuedToken): void;
}

/**
 * Splits a request target into a normalised path and its query. `new URL('//ws/…', base)` would
 * read `ws` as a host: @google/genai's doubled slash must be collapsed before parsing.
 */
export function parseTarget(target: string | undefined): { path: string; url: URL } {
  const raw = (target ?? '/').replace(/^\/+/, '/');
  const url = new URL(raw, 'http://emulator');
  return { path: url.pathname, url };
}

/** True when `key` is an API key this emulator accepts. */
export function validApiKey(settings: EmulatorSettings, key: string | null | undefined): boolean {
  if (!key) return false;
  return settings.acceptAnyKey || key === settings.apiKey;
}

/** Handles one plain HTTP request. */
export async function handleHttp(ctx: HttpContext, req: IncomingMessage, res: ServerResponse) {
  cors(req, res);
  const { path, url } = parseTarget(req.url);
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') return end(res, 204);
  if (path === '/health' || path === '/healthz') {
    return json(res, 200, {
      status: 'ok',
      sessions: ctx.liveSessions(),
      uptimeMs: Date.now() - ctx.startedAt,
    });
  }
  if (path === '/' && method === 'GET') return json(res, 200, describe());
  if (WS_PATH.test(path)) {
    const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
    return error(res, 426, upgradeHint(method, path, tls));
  }
  const tokenRoute = /^\/(v1alpha|v1beta)\/auth_tokens$/.exec(path);
  if (!tokenRoute) {
    return error(res, 404, `No route for ${method} ${path}. ${routesHint()}`);
  }
  if (tokenRoute[1] !== 'v1alpha') {
    return error(res, 404, 'auth_tokens is only available in v1alpha (httpOptions.apiVersion).');
  }
  if (method !== 'POST') return error(res, 405, `Use POST ${path}.`);
  const key = req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
  if (!validApiKey(ctx.settings, Array.isArray(key) ? key[0] : key)) {
    return error(res, 400, 'API key not valid. Please pass a valid API key.');
  }
  let body: TokenRequest;
  try {
    const text = await readBody(req);
    body = (text.trim() ? JSON.parse(text) : {}) as TokenRequest;
  } catch (e) {
    if (e instanceof TokenRequestError) return error(res, e.status, e.message);
    return error(res, 400, 'Invalid JSON payload received.');
  }
  try {
    const token = ctx.tokens.create(body);
    ctx.onToken(token);
    return json(res, 200, tokenResource(token));
  } catch (e) {
    if (e instanceof TokenRequestError) return error(res, e.status, e.message);
    throw e;
  }
}

/**
 * Why a plain HTTP request to a Live route fails and what to open instead: the path asked for
 * with its credential parameter, and both schemes (ws://, or wss:// when the emulator serves TLS:
 * `tls` says which one this request came in on, named first).
 */
export function upgradeHint(method: string, path: string, tls = false): string {
  const credential = path.endsWith('Constrained') ? 'access_token=auth_tokens/…' : 'key=KEY';
  const [first, other] = tls ? ['wss', 'ws'] : ['ws', 'wss'];
  return (
    `This is a WebSocket endpoint, not plain HTTP (${method}): connect a WebSocket client ` +
    `(Upgrade: websocket) to ${first}://HOST${path}?${credential} ` +
    `(${other}:// when the emulator runs ${tls ? 'without' : 'with'} TLS).`
  );
}

/** One-line description of the routes, for 404s and the CLI. */
export function routesHint(): string {
  return (
    'Routes: GET /health; POST /v1alpha/auth_tokens (x-goog-api-key); WebSocket ' +
    '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=KEY or ' +
    '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained' +
    '?access_token=auth_tokens/….'
  );
}

function describe() {
  return {
    name: 'gemini-live-emulator',
    websocket: [
      '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=KEY',
      '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=auth_tokens/…',
    ],
    rest: ['POST /v1alpha/auth_tokens', 'GET /health'],
  };
}

function cors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    req.headers['access-control-request-headers'] ??
      'content-type, x-goog-api-key, x-goog-api-client, authorization',
  );
  res.setHeader('Access-Control-Max-Age', '600');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new TokenRequestError(413, 'Request payload size exceeds the limit.'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body, null, 2));
}

function error(res: ServerResponse, code: number, message: string): void {
  json(res, code, { error: { code, message, status: STATUS[code] ?? 'UNKNOWN' } });
}

function end(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

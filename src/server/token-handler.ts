/**
 * The token endpoint: a Fetch API handler `(Request) => Promise<Response>` that mints single-use
 * Gemini Live ephemeral tokens with the model and config locked server-side. Runs on Node ≥ 20,
 * Deno, Bun and edge runtimes; the API key never leaves the server.
 */
import type { LiveConnectConfig } from '@google/genai';
import {
  checkLimits,
  createMemoryRateLimitStore,
  type RateLimitOptions,
  type RateLimitResult,
} from './rate-limit.ts';

/** Outcome of the `authorize` hook: true/false, or a status with a message for the client. */
export type AuthorizeResult = boolean | { status: 401 | 403; message?: string };

/** Options of {@link createTokenHandler}. Only `apiKey` and `model` are required. */
export interface TokenHandlerOptions {
  /** Gemini API key (server-side secret). */
  apiKey: string;
  /** Model the token is locked to, e.g. `gemini-3.8-live`. */
  model: string;
  /** Live config locked into the token (voice, instructions, transcription…). */
  config?: LiveConnectConfig;
  /** Sessions a token may open (default 1; 0 = unlimited). Resuming does not use one. */
  uses?: number;
  /** Minutes the token can send messages (default 30). */
  expireMinutes?: number;
  /** Seconds the token can open a new session (default 60). */
  newSessionExpireSeconds?: number;
  /**
   * Origins allowed to ask for tokens: exact origins (`https://app.example`) or `'*'`.
   * Absent: same-origin only. Requests without an `Origin` header (non-browser) pass.
   */
  allowedOrigins?: readonly string[] | '*';
  /** Your auth check (session cookie, bearer token…). False → 401. */
  authorize?(request: Request): AuthorizeResult | Promise<AuthorizeResult>;
  /**
   * Per-client sliding window (default 10 per minute, counted in this process's memory; give a
   * shared `store`, e.g. createRedisRateLimitStore(), behind several instances); false: off.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Proxies of yours in front of this server that append to `X-Forwarded-For` (default 0: the
   * header is ignored, since any client can send it). With n, the rate-limit key is the address
   * n hops from the right of `X-Forwarded-For`: the one your outermost proxy saw.
   */
  trustProxy?: number;
  /**
   * Rate-limit key; default: the socket's peer address (`client.remoteAddress`, which
   * toNodeHandler fills in), or the address `trustProxy` picks, else 'anonymous'.
   */
  clientKey?(request: Request, client: ClientInfo): string;
  /** API base URL (default Google's); `http://127.0.0.1:PORT` mints against the emulator. */
  baseUrl?: string;
  /**
   * Which setup fields the page may NOT change. Default `[]`: the model and the fields set in
   * `config` are locked, the rest (e.g. tools the page declares) stay open. `'all'` locks the
   * whole setup (Google's default when no mask is sent); names lock those extra fields too.
   */
  lockAdditionalFields?: readonly string[] | 'all';
}

/** What the runtime knows about the connection a request came on (toNodeHandler fills it in). */
export interface ClientInfo {
  /** The socket's peer address: the client itself, or the nearest proxy. */
  remoteAddress?: string;
}

/** Error codes in the JSON body `{ error: { code, message } }`. */
export type TokenHandlerErrorCode =
  | 'method-not-allowed'
  | 'origin-not-allowed'
  | 'rate-limited'
  | 'unauthorized'
  | 'forbidden'
  | 'upstream-error';

/** The JSON body of a successful response. */
export interface TokenResponseBody {
  /** `auth_tokens/…`: pass as the session's token. */
  token: string;
  /** ISO time after which the token's session stops accepting messages. */
  expireTime: string;
  /** ISO time after which the token cannot open a new session. */
  newSessionExpireTime: string;
  /** The model the token is locked to. */
  model: string;
}

type AuthTokensClient = {
  authTokens: { create(params: { config: Record<string, unknown> }): Promise<{ name?: string }> };
};

/**
 * Creates the token endpoint; mount it on `POST /api/live-token` (see `toNodeHandler`). Outside
 * Node, pass the peer address as the second argument (Deno: `info.remoteAddr.hostname`, Bun:
 * `server.requestIP(request)?.address`) or give `clientKey`.
 */
export function createTokenHandler(
  options: TokenHandlerOptions,
): (request: Request, client?: ClientInfo) => Promise<Response> {
  const {
    apiKey,
    model,
    config,
    uses = 1,
    expireMinutes = 30,
    newSessionExpireSeconds = 60,
    allowedOrigins,
    authorize,
    rateLimit = { windowMs: 60_000, max: 10 },
    trustProxy = 0,
    clientKey = (request: Request, client: ClientInfo) =>
      defaultClientKey(request, client, trustProxy),
    baseUrl,
    lockAdditionalFields = [],
  } = options;
  if (!apiKey) throw new TypeError('createTokenHandler: apiKey is required');
  if (!model) throw new TypeError('createTokenHandler: model is required');
  if (!Number.isInteger(trustProxy) || trustProxy < 0)
    throw new TypeError('createTokenHandler: trustProxy is a number of proxies (an integer ≥ 0)');
  const limits = rateLimit === false ? null : checkLimits(rateLimit);
  const store = limits?.store ?? createMemoryRateLimitStore();
  let client: Promise<AuthTokensClient> | undefined;
  // Loaded on first use so importing this module stays cheap and edge bundles can split it.
  const getClient = () =>
    (client ??= import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey,
          httpOptions: { apiVersion: 'v1alpha', ...(baseUrl ? { baseUrl } : {}) },
        }) as unknown as AuthTokensClient,
    ));
  const scrub = (text: string) => scrubSecret(text, apiKey);

  return async (request, client = {}) => {
    const origin = request.headers.get('origin');
    const cors = corsHeaders(origin, allowedOrigins, request.url);
    if (cors === null) return errorResponse(403, 'origin-not-allowed', 'Origin not allowed', {});
    if (request.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers':
            request.headers.get('access-control-request-headers') ?? 'content-type',
          'access-control-max-age': '600',
        },
      });
    }
    if (request.method !== 'POST') {
      return errorResponse(405, 'method-not-allowed', 'Use POST', {
        ...cors,
        allow: 'POST, OPTIONS',
      });
    }
    if (limits) {
      let verdict: RateLimitResult;
      try {
        verdict = await store.hit(clientKey(request, client), limits.windowMs, limits.max);
      } catch {
        // Fail closed: without the shared counts, the endpoint would mint without limit.
        return errorResponse(503, 'upstream-error', 'Rate limit store unavailable', cors);
      }
      if (!verdict.ok) {
        return errorResponse(429, 'rate-limited', 'Too many token requests', {
          ...cors,
          'retry-after': String(verdict.retryAfterSeconds),
        });
      }
    }
    if (authorize) {
      const verdict = await authorize(request);
      if (verdict !== true) {
        const status = verdict === false ? 401 : verdict.status;
        const message = verdict === false ? undefined : verdict.message;
        const code = status === 401 ? 'unauthorized' : 'forbidden';
        return errorResponse(
          status,
          code,
          message ?? (status === 401 ? 'Not signed in' : 'Not allowed'),
          cors,
        );
      }
    }

    const now = Date.now();
    const expireTime = new Date(now + expireMinutes * 60_000).toISOString();
    const newSessionExpireTime = new Date(now + newSessionExpireSeconds * 1000).toISOString();
    try {
      const ai = await getClient();
      const created = await ai.authTokens.create({
        config: {
          uses,
          expireTime,
          newSessionExpireTime,
          liveConnectConstraints: { model, ...(config ? { config } : {}) },
          ...(lockAdditionalFields === 'all'
            ? {}
            : { lockAdditionalFields: [...lockAdditionalFields] }),
          httpOptions: { apiVersion: 'v1alpha', ...(baseUrl ? { baseUrl } : {}) },
        },
      });
      if (typeof created.name !== 'string' || !created.name.startsWith('auth_tokens/')) {
        return errorResponse(502, 'upstream-error', 'Token service returned no token name', cors);
      }
      const body: TokenResponseBody = {
        token: created.name,
        expireTime,
        newSessionExpireTime,
        model,
      };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return errorResponse(
        502,
        'upstream-error',
        `Token service failed: ${scrub(detail).slice(0, 500)}`,
        cors,
      );
    }
  };
}

/**
 * Default rate-limit key: the socket's peer address; with `trustProxy` = n proxies of yours in
 * front, the address n hops from the right of `X-Forwarded-For` (fewer hops listed: the leftmost;
 * none: the peer). Never the header's left end, which the client writes. Else 'anonymous'.
 */
export function defaultClientKey(
  request: Request,
  client: ClientInfo = {},
  trustProxy = 0,
): string {
  const peer = client.remoteAddress?.trim() || 'anonymous';
  if (trustProxy <= 0) return peer;
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops.length === 0 ? peer : hops[Math.max(0, hops.length - trustProxy)]!;
}

/** Removes the API key (and anything key-shaped) from text bound for a client. */
export function scrubSecret(text: string, apiKey: string): string {
  let out = apiKey ? text.split(apiKey).join('[redacted]') : text;
  out = out.replace(/([?&]key=)[^&\s"']+/gi, '$1[redacted]');
  return out.replace(/AIza[0-9A-Za-z_-]{20,}/g, '[redacted]');
}

/**
 * CORS headers for an allowed origin, `{}` for same-origin or no Origin header, null if refused.
 * Explicit origins are echoed (with credentials, so cookie-based `authorize` works); `'*'` is not.
 */
function corsHeaders(
  origin: string | null,
  allowed: TokenHandlerOptions['allowedOrigins'],
  requestUrl: string,
): Record<string, string> | null {
  if (origin === null) return {};
  if (allowed === '*' || (Array.isArray(allowed) && allowed.includes('*'))) {
    return { 'access-control-allow-origin': '*' };
  }
  if (Array.isArray(allowed) && allowed.includes(origin)) {
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
  }
  if (origin === safeOrigin(requestUrl)) return { vary: 'Origin' };
  return null;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function errorResponse(
  status: number,
  code: TokenHandlerErrorCode,
  message: string,
  headers: Record<string, string>,
): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

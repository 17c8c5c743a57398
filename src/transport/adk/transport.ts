/**
 * The ADK `/run_live` transport: the same worker, audio path and strict-CSP story as the Gemini
 * transport, with ADK's wire. Each open first makes sure the ADK session exists over REST (the
 * socket closes 1002 without it), then opens `/run_live` for it; a reconnect is a new socket with
 * the same session id (ADK keeps the history; there is no resumption handle or goAway).
 */
import { ConnectionError, LiveAgentError } from '../../core/errors.ts';
import type { LiveTransport } from '../../core/transport.ts';
import { createWorkerTransport, type WorkerTransportOptions } from '../worker-transport.ts';
import { ADK_CAPABILITIES } from './codec.ts';
import { runLiveUrl, sessionUrl, type AdkIds } from './wire.ts';

/** What a ticket provider is asked for: one request (REST or socket) of this app, user, session. */
export interface AdkTicketRequest {
  appName: string;
  userId: string;
  /** Absent when no session id is known yet: a guard may pick one and return it. */
  sessionId?: string;
}

/** A ticket, or a ticket with the session id the issuer chose. */
export type AdkTicket = string | { ticket: string; sessionId?: string };

export interface AdkTransportOptions extends WorkerTransportOptions {
  /** The ADK server's base URL (`https://agents.example`, with a path prefix if proxied). */
  endpoint: string;
  appName: string;
  userId: string;
  /** An existing or wanted session id; default: ADK picks one on first connect. */
  sessionId?: string;
  /** `modalities` query values (default `['AUDIO']`; never TEXT with AUDIO on native audio). */
  modalities?: readonly string[];
  /** Extra `/run_live` query parameters (`proactive_audio`, `enable_affective_dialog`, …). */
  query?: Record<string, string>;
  /**
   * For ADK behind a guard (live_agent_server's `protect_adk`): called once per request (tickets
   * are single-use) and sent as the `ticket` query parameter. Never logged.
   */
  ticket?: (request: AdkTicketRequest) => AdkTicket | Promise<AdkTicket>;
  /** `fetch` for the session REST calls (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Initial session state for a session this transport creates. */
  state?: Record<string, unknown>;
}

/** The session id this transport talks to (after the first connect). */
export interface AdkTransport extends LiveTransport {
  readonly sessionId: string | undefined;
}

function restError(message: string, status: number | undefined, cause?: unknown) {
  const retryable = status === undefined || status >= 500;
  const code = status === 401 || status === 403 ? 'auth-rejected' : 'connection-lost';
  return new ConnectionError(code, message, undefined, '', { cause, retryable });
}

/** A ticket provider for live_agent_server's `protect_adk` endpoint (`POST {url}`). */
export function adkTicketEndpoint(
  url: string,
  init: { headers?: Record<string, string>; fetch?: typeof fetch } = {},
): (request: AdkTicketRequest) => Promise<AdkTicket> {
  return async (request) => {
    const f = init.fetch ?? globalThis.fetch;
    const response = await f(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: JSON.stringify(request),
      credentials: 'include',
    });
    if (!response.ok)
      throw restError(`The ticket endpoint answered ${response.status}`, response.status);
    const body = (await response.json()) as { ticket?: unknown; sessionId?: unknown };
    if (typeof body.ticket !== 'string')
      throw new LiveAgentError('token-invalid', 'The ticket endpoint answered no ticket');
    return typeof body.sessionId === 'string'
      ? { ticket: body.ticket, sessionId: body.sessionId }
      : { ticket: body.ticket };
  };
}

/** A transport for an ADK agent server's `/run_live`. */
export function createAdkTransport(options: AdkTransportOptions): AdkTransport {
  if (!options.appName || !options.userId)
    throw new LiveAgentError('invalid-request', 'ADK needs appName and userId');
  let sessionId = options.sessionId;
  const doFetch = (...args: Parameters<typeof fetch>) =>
    (options.fetch ?? globalThis.fetch)(...args);

  async function ticket(): Promise<string | undefined> {
    if (!options.ticket) return undefined;
    const ids = { appName: options.appName, userId: options.userId };
    const t = await options.ticket(sessionId ? { ...ids, sessionId } : ids);
    if (typeof t === 'string') return t;
    sessionId ??= t.sessionId;
    return t.ticket;
  }

  /** Get-or-create in one request: POST with our id (409: it exists), or POST and learn the id. */
  async function ensureSession(): Promise<string> {
    const t = await ticket();
    const ids = { appName: options.appName, userId: options.userId, sessionId };
    let response: Response;
    try {
      response = await doFetch(sessionUrl(options.endpoint, ids, t), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(options.state ? { state: options.state } : {}),
      });
    } catch (cause) {
      // A CORS refusal looks like a network error to the page.
      throw restError(
        'Could not reach the ADK server to create the session (if it runs, start it with ' +
          '`adk api_server --allow_origins <this origin>`)',
        undefined,
        cause,
      );
    }
    if (response.status === 409 && sessionId) return sessionId;
    if (!response.ok)
      throw restError(`ADK session create answered ${response.status}`, response.status);
    const body = (await response.json()) as { id?: unknown };
    if (typeof body.id !== 'string')
      throw new LiveAgentError('protocol', 'ADK session create answered no id');
    return body.id;
  }

  const transport = createWorkerTransport(options, {
    capabilities: ADK_CAPABILITIES,
    async prepare(params) {
      sessionId = await ensureSession();
      const ids: AdkIds = { appName: options.appName, userId: options.userId, sessionId };
      const url = runLiveUrl(options.endpoint, ids, {
        modalities: options.modalities,
        query: options.query,
        ticket: await ticket(),
      });
      return {
        wire: 'adk',
        url,
        connectTimeoutMs: params.connectTimeoutMs,
        setupComplete: { sessionId },
      };
    },
  });
  return Object.defineProperty(transport, 'sessionId', {
    get: () => sessionId,
    enumerable: true,
  }) as AdkTransport;
}

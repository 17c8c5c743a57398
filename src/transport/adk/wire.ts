/**
 * ADK `/run_live` URLs and close codes. Browsers cannot set socket headers, so a ticket (from a
 * guard such as live_agent_server's `protect_adk`) travels as the `ticket` query parameter —
 * never log these URLs unredacted.
 */
import { ConnectionError } from '../../core/errors.ts';

export interface AdkIds {
  appName: string;
  userId: string;
  sessionId: string;
}

/** `http(s)://host[/prefix]` with `path` appended under the prefix. */
function under(endpoint: string, path: string): URL {
  const url = new URL(endpoint);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = url.hash = '';
  return url;
}

const seg = encodeURIComponent;

/** `…/apps/{app}/users/{user}/sessions[/{id}]` (REST), with an optional ticket. */
export function sessionUrl(endpoint: string, ids: Partial<AdkIds>, ticket?: string): string {
  const id = ids.sessionId ? `/${seg(ids.sessionId)}` : '';
  const path = `/apps/${seg(ids.appName ?? '')}/users/${seg(ids.userId ?? '')}/sessions${id}`;
  const url = under(endpoint, path);
  if (ticket) url.searchParams.set('ticket', ticket);
  return url.toString();
}

/** `ws(s)://host[/prefix]/run_live?app_name=&user_id=&session_id=&modalities=AUDIO[&ticket=]`. */
export function runLiveUrl(
  endpoint: string,
  ids: AdkIds,
  options: { modalities?: readonly string[]; query?: Record<string, string>; ticket?: string },
): string {
  const url = under(endpoint, '/run_live');
  url.protocol = url.protocol === 'http:' || url.protocol === 'ws:' ? 'ws:' : 'wss:';
  const q = url.searchParams;
  q.set('app_name', ids.appName);
  q.set('user_id', ids.userId);
  q.set('session_id', ids.sessionId);
  // Repeated `modalities` is how FastAPI reads a list; never TEXT with AUDIO (native audio).
  for (const m of options.modalities ?? ['AUDIO']) q.append('modalities', m);
  for (const [k, v] of Object.entries(options.query ?? {})) q.set(k, v);
  if (options.ticket) q.set('ticket', options.ticket);
  return url.toString();
}

/** The URL with its ticket replaced, for logs and error messages. */
export function redactAdkUrl(url: string): string {
  return url.replace(/([?&]ticket=)[^&]*/g, '$1REDACTED');
}

/** A socket that closed before it opened: with ADK that is almost always the origin check. */
export function adkHandshakeError(code: number, reason: string): ConnectionError {
  if (reason) return adkCloseError(code, reason);
  return new ConnectionError(
    'auth-rejected',
    `The ADK server refused the WebSocket handshake (${code}). ADK 2.x answers 403 to a page ` +
      'whose origin is not allowed: start it with `adk api_server --allow_origins <this origin>` ' +
      '(a browser cannot see the reason).',
    code,
    reason,
    { retryable: false },
  );
}

/** ADK's close codes as typed errors. */
export function adkCloseError(code: number, reason: string): ConnectionError {
  const said = reason ? `: ${reason}` : '';
  if (code === 1002)
    return new ConnectionError(
      'invalid-request',
      `ADK session not found (1002)${said}; create it over REST first`,
      code,
      reason,
      { retryable: false },
    );
  if (code === 1008)
    return new ConnectionError(
      'auth-rejected',
      `ADK refused the socket (1008)${said}`,
      code,
      reason,
    );
  if (code === 1011)
    return new ConnectionError('server-error', `ADK server error (1011)${said}`, code, reason, {
      retryable: true,
    });
  return ConnectionError.fromClose(code, reason);
}

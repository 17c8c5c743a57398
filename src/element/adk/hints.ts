/**
 * What the element's status line says when a call to an ADK agent server fails. Part of the ADK
 * chunk (fetched only for transport="adk"), set as the endpoints' `explain` (../hints.ts).
 */
import type { LiveAgentError } from '../../core/errors.ts';
import { cap, type AdkNames } from '../hints.ts';

/**
 * The ADK wording: an agent server holds the model credentials, so what goes wrong is its address,
 * the page's origin (`--allow_origins`), the app and user names, or an unknown session — never a
 * token. Null for errors that read the same on both transports (microphone, context).
 */
export function adkErrorText(
  error: LiveAgentError,
  msg: string,
  endpoint: string,
  adk: AdkNames,
): string | null {
  const server = `the ADK server at ${endpoint}`;
  const origin = adk.origin && adk.origin !== 'null' ? adk.origin : "<this page's origin>";
  const start = `\`adk api_server --allow_origins ${origin}\``;
  const names = `app-name "${adk.attr('app-name') ?? ''}" and user-id "${adk.attr('user-id') ?? ''}"`;
  const sessionId = adk.attr('session-id');
  const closeCode = (error as { closeCode?: number }).closeCode;
  switch (error.code) {
    case 'token-fetch-failed':
    case 'token-invalid':
      return `Could not get a ticket for ${server}: ${msg} Check the ticket endpoint of your ADK guard.`;
    case 'auth-rejected':
      return closeCode === 1008
        ? `${cap(server)} refused the socket: ${msg} Check the ticket and the user's access to ${names}.`
        : `${cap(server)} refused this page: ${msg} Allow this origin: ${start}.`;
    case 'invalid-request':
      if (closeCode === 1002) {
        const id = sessionId ? `session-id "${sessionId}"` : 'the session';
        return `${cap(server)} has no ${id} for ${names} (1002 Session not found): ${msg} Check session-id, or leave it out to start a new session.`;
      }
      return `${cap(server)} rejected the request: ${msg} Check ${names}.`;
    case 'connect-timeout':
    case 'connection-lost':
    case 'server-error':
      return `No connection to ${server}: ${msg} Check the endpoint attribute, that ${start} runs there, and that ${names} name an agent it serves.`;
    default:
      return null;
  }
}

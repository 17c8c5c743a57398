/**
 * The Live endpoint URL for one credential (docs/protocol.md, "Endpoint"). Browsers cannot set
 * WebSocket headers, so the credential travels in the query string — never log the result.
 */
import type { Credential } from '../core/transport.ts';

const SERVICE = 'google.ai.generativelanguage';

/** `ws(s)://HOST[/prefix]/ws/…GenerativeService.{method}?{param}={credential}` for a base URL. */
export function buildUrl(endpoint: string, credential: Credential): string {
  const url = new URL(endpoint);
  // Same rule as @google/genai: only plain http maps to ws; everything else is secure.
  url.protocol = url.protocol === 'http:' || url.protocol === 'ws:' ? 'ws:' : 'wss:';
  const token = credential.kind === 'token';
  const version = token ? 'v1alpha' : 'v1beta';
  const method = token ? 'BidiGenerateContentConstrained' : 'BidiGenerateContent';
  const param = token ? 'access_token' : 'key';
  const prefix = url.pathname.replace(/\/+$/, '');
  const path = `${prefix}/ws/${SERVICE}.${version}.GenerativeService.${method}`;
  return `${url.protocol}//${url.host}${path}?${param}=${encodeURIComponent(credential.value)}`;
}

/** The URL with its credential replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:key|access_token)=)[^&]*/g, '$1REDACTED');
}

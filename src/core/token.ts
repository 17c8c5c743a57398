/**
 * Token provider: turns the `token` option into a Credential, freshly for every connect and
 * reconnect (ephemeral tokens are single-use by default). Refuses long-lived API keys unless
 * explicitly allowed. Error messages never contain the token or the endpoint's response body.
 */
import { AuthError, LiveAgentError } from './errors.ts';
import type { Credential } from './transport.ts';
import type { TokenSource } from './types.ts';

const TOKEN_PREFIX = 'auth_tokens/';
const GOOGLE_API_KEY = /^AIza[0-9A-Za-z_-]{35}$/;
/** Opaque secret-looking strings (no slash, no spaces): treated as keys, never as tokens. */
const KEY_LIKE = /^[0-9A-Za-z_-]{20,}$/;

/** True for strings that look like long-lived Google API keys rather than ephemeral tokens. */
export function looksLikeApiKey(value: string): boolean {
  return !value.startsWith(TOKEN_PREFIX) && (GOOGLE_API_KEY.test(value) || KEY_LIKE.test(value));
}

export interface TokenProviderOptions {
  allowApiKey?: boolean;
  fetch?: typeof fetch;
  /** Where the one-time API key warning goes (console.warn by default). */
  warn?: (message: string) => void;
  /**
   * Longest wait for a credential (the connect timeout): a token endpoint that never answers
   * must fail the attempt (retryable) instead of leaving a reconnect waiting forever.
   */
  timeoutMs?: number;
}

/** Resolves the configured token source to a Credential, once per connection attempt. */
export class TokenProvider {
  private warned = false;

  constructor(
    private readonly source: TokenSource,
    private readonly options: TokenProviderOptions = {},
  ) {}

  /** Fetches a fresh credential. Rejects with AuthError, or LiveAgentError `aborted`. */
  async get(signal: AbortSignal): Promise<Credential> {
    throwIfAborted(signal);
    const local = new AbortController();
    const abort = (): void => local.abort();
    signal.addEventListener('abort', abort, { once: true });
    const ms = this.options.timeoutMs;
    const timer = ms ? setTimeout(abort, ms) : undefined;
    try {
      const raw = await abortable(this.fetchRaw(local.signal), local.signal);
      throwIfAborted(local.signal);
      return this.toCredential(raw);
    } catch (error) {
      // Aborted here but not by the caller: the deadline passed.
      if (local.signal.aborted && !signal.aborted)
        throw AuthError.fetchFailed(`no answer within ${String(ms)} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    }
  }

  private async fetchRaw(signal: AbortSignal): Promise<unknown> {
    const source = this.source;
    if (typeof source === 'string') return source;
    if (typeof source === 'function') {
      try {
        return await source();
      } catch (error) {
        if (error instanceof LiveAgentError) throw error;
        throw AuthError.fetchFailed('the token provider threw', error);
      }
    }
    return this.fetchEndpoint(source.url, source.init, signal);
  }

  private async fetchEndpoint(url: string, init: RequestInit | undefined, signal: AbortSignal) {
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    const headers = new Headers(init?.headers);
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    let response: Response;
    try {
      response = await doFetch(url, {
        ...init,
        method: init?.method ?? 'POST',
        headers,
        body: init?.body ?? '{}',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw aborted();
      throw AuthError.fetchFailed('network error', error);
    }
    // The body may echo credentials: it never goes into a message.
    if (!response.ok) throw AuthError.fetchFailed(`HTTP ${response.status}`);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (signal.aborted) throw aborted();
      throw AuthError.fetchFailed(`HTTP ${response.status}, response is not JSON`);
    }
    if (body && typeof body === 'object') {
      const { token, name } = body as { token?: unknown; name?: unknown };
      if (typeof token === 'string') return token;
      if (typeof name === 'string') return name;
    }
    throw AuthError.invalid('the token endpoint answered without a "token" or "name" field');
  }

  private toCredential(raw: unknown): Credential {
    if (typeof raw !== 'string' || raw.trim() === '')
      throw AuthError.invalid('expected a non-empty string');
    const value = raw.trim();
    if (value.startsWith(TOKEN_PREFIX)) return { kind: 'token', value };
    if (!this.options.allowApiKey) {
      if (looksLikeApiKey(value)) throw AuthError.apiKeyRefused();
      throw AuthError.invalid(`expected an ephemeral token starting with "${TOKEN_PREFIX}"`);
    }
    if (!this.warned) {
      this.warned = true;
      (this.options.warn ?? console.warn)(
        '[live-agent] Using a long-lived API key in the browser (allowApiKey: true). Anyone who ' +
          'opens this page can read and abuse it. Use ephemeral tokens (live-agent/server) in production.',
      );
    }
    return { kind: 'apiKey', value };
  }
}

function aborted(): LiveAgentError {
  return new LiveAgentError('aborted', 'Token request aborted');
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw aborted();
}

/** Rejects as soon as `signal` aborts, even if the provider function ignores it. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * What the status line says when a call goes quiet or fails. A silent call is the hardest state
 * to read (is the mic on? did the agent hear me?), so after `hint-after` seconds of waiting the
 * element says which wait it is; a failed connect names the endpoint it tried and what to check.
 */
import type { LiveAgentError } from '../core/errors.ts';
import type { LiveAgentSnapshot } from '../core/types.ts';

/** Default seconds of silence before a hint (the `hint-after` attribute overrides; 0 = never). */
export const DEFAULT_HINT_AFTER_S = 8;

/** Which wait a quiet call is in. */
export type WaitKind = 'heard' | 'reply';

/** The hint texts (exported for tests and for apps that mirror the element's wording). */
export const HINTS: Record<WaitKind, string> = {
  heard: 'Listening — nothing heard yet. Is the right microphone on? Speak up, or type below.',
  reply: 'No reply yet — the agent has not answered. Wait a moment, or ask again.',
};

/**
 * Tracks since when the call has been waiting, from successive snapshots: the agent speaking or
 * the user speaking restarts the clock; the last transcript turn says which wait it is.
 */
export class WaitClock {
  private since = 0;
  private kind: WaitKind = 'heard';
  private key = '';

  /**
   * Feeds a snapshot; returns the current wait, or null when nobody is waiting. `listening` is
   * false when the microphone is not what starts a turn (push-to-talk, `microphone="off"`).
   */
  update(s: LiveAgentSnapshot, listening: boolean, now: number): WaitKind | null {
    if (s.status !== 'connected' || s.agentSpeaking || s.userSpeaking) {
      this.key = '';
      this.kind = s.userSpeaking ? 'reply' : 'heard';
      return null;
    }
    const last = s.transcript[s.transcript.length - 1];
    const key = last ? `${last.id}:${last.text.length}:${last.final}` : '-';
    if (this.key === '') {
      this.since = now; // speech or the agent just stopped, or the call just started
    } else if (key !== this.key) {
      this.since = now;
      this.kind = last?.role === 'user' ? 'reply' : 'heard';
    }
    this.key = key;
    // Without an open, listening microphone only a missing reply is worth a hint.
    if (this.kind === 'heard' && (!listening || !s.micEnabled)) return null;
    return this.kind;
  }

  /** When the hint for the current wait is due. */
  dueAt(afterMs: number): number {
    return this.since + afterMs;
  }
}

/**
 * The element's side of the hints: a {@link WaitClock} plus one timer that re-renders when the
 * current wait's hint falls due (no ticking while nothing changes).
 */
export class QuietHints {
  private readonly clock = new WaitClock();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (0: none). */
  private due = 0;

  constructor(private readonly rerender: () => void) {}

  /**
   * The wait to show now (null: none yet, or hints off); arms the timer for a later one. A
   * conversation renders many times a second: the timer is re-armed only when its due time moves.
   */
  check(s: LiveAgentSnapshot, listening: boolean, afterMs: number, now: number): WaitKind | null {
    const kind = this.clock.update(s, listening, now);
    const due = kind && afterMs > 0 ? this.clock.dueAt(afterMs) : 0;
    if (due > now) {
      if (due !== this.due) {
        this.stop();
        this.due = due;
        this.timer = setTimeout(() => {
          this.due = 0;
          this.rerender();
        }, due - now);
      }
      return null;
    }
    this.stop();
    return due ? kind : null;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.due = 0;
  }
}

/** Where the element connects, for error messages. */
export interface Endpoints {
  endpoint: string;
  tokenUrl: string | null;
  /** Set for `transport="adk"`: an ADK agent server, not the Live API, is at `endpoint`. */
  adk?: AdkNames;
  /** A transport's own wording of its errors (null: the common wording). */
  explain?: (error: LiveAgentError, msg: string, endpoint: string, adk: AdkNames) => string | null;
}

/** What the ADK hints name (read there): the element's attributes and the page's origin. */
export interface AdkNames {
  attr: (name: string) => string | null;
  origin: string | undefined;
}

/** The element's endpoints from its attributes (`origin`: the page's, named in ADK hints). */
export function elementEndpoints(
  attr: (name: string) => string | null,
  origin: string | undefined,
): Endpoints {
  const where: Endpoints = {
    endpoint: attr('endpoint') || 'https://generativelanguage.googleapis.com',
    tokenUrl: attr('token-url'),
  };
  if (attr('transport') === 'adk') where.adk = { attr, origin };
  return where;
}

/** An error's message plus which endpoint failed and what to check. */
export function errorText(error: LiveAgentError | null, where: Endpoints): string {
  if (!error) return 'Something went wrong';
  const msg = error.message.replace(/\.?$/, '.');
  if (where.adk) {
    // The ADK wording comes with the ADK chunk (adk/hints.ts); before it has loaded, only the
    // attributes can be wrong, and their message says which.
    const own = where.explain ? where.explain(error, msg, where.endpoint, where.adk) : msg;
    if (own !== null) return own;
  }
  const token = where.tokenUrl ?? 'the token property';
  const live = `the Live API at ${where.endpoint}`;
  switch (error.code) {
    case 'token-fetch-failed':
      return `Could not get a token from ${token}: ${msg} Check that the token endpoint is running on this page's origin.`;
    case 'token-invalid':
      return `${msg} ${token} must answer {"token": "auth_tokens/…"}.`;
    case 'api-key-refused':
      return `${msg} Mint ephemeral tokens on your server instead.`;
    case 'auth-rejected':
      return `${cap(live)} refused the token: ${msg} Check the model, and that tokens are minted for this endpoint.`;
    case 'invalid-request':
      return `${cap(live)} rejected the request: ${msg} Check the model, voice and config.`;
    case 'connect-timeout':
    case 'connection-lost':
    case 'server-error':
      return `No connection to ${live}: ${msg} Check the endpoint attribute and that the service is reachable.`;
    case 'mic-denied':
      return `${msg} Allow the microphone for this site, or type below.`;
    case 'no-device':
      return `${msg} Connect a microphone, or type below.`;
    case 'insecure-context':
      return `${msg} Open the page over https:// (or localhost).`;
    default:
      return msg;
  }
}

export function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

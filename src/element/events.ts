/**
 * DOM events of `<live-agent>`, derived from the session's one event map: every session event
 * `K` is re-dispatched as `live-agent-K` (never a native name like `error`) with the same payload.
 */
import {
  LIVE_AGENT_EVENT_TYPES,
  type LiveAgentEventMap,
  type LiveAgentEventType,
} from '../core/events.ts';
import type { LiveAgentSession } from '../core/session.ts';

/** DOM name of a session event: `live-agent-status`, `live-agent-error`, … */
export type LiveAgentDomEventName<K extends LiveAgentEventType = LiveAgentEventType> =
  `live-agent-${K}`;

/** A session event re-dispatched by the element; `detail` is the session's payload. */
export class LiveAgentEvent<K extends LiveAgentEventType = LiveAgentEventType> extends Event {
  /** The session event key (`status`, `transcript`, …). */
  readonly key: K;
  /** The session's payload, unchanged. */
  readonly detail: LiveAgentEventMap[K];

  constructor(key: K, detail: LiveAgentEventMap[K]) {
    // Bubbles and crosses shadow roots, so a listener on any ancestor (or a framework) sees it.
    super(`live-agent-${key}`, { bubbles: true, composed: true });
    this.key = key;
    this.detail = detail;
  }
}

/** Re-dispatches every event of `session` on `target`; returns the functions that stop it. */
export function forwardEvents(session: LiveAgentSession, target: EventTarget): (() => void)[] {
  return LIVE_AGENT_EVENT_TYPES.map((key) => {
    const k = key as 'status'; // TS cannot correlate a union key across both calls; one key can
    return session.on(k, (detail) => target.dispatchEvent(new LiveAgentEvent(k, detail)));
  });
}

/** Map of every DOM event the element dispatches, for `addEventListener` typing. */
export type LiveAgentElementEventMap = {
  [K in LiveAgentEventType as LiveAgentDomEventName<K>]: LiveAgentEvent<K>;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends LiveAgentElementEventMap {}
}

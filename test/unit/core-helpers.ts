/** Shared helpers of the core unit tests (not a test file itself). */
import type { LiveAgentEventMap } from '../../src/core/events.ts';
import type { LiveAgentSession } from '../../src/core/session.ts';

/** Lets queued microtasks (fake socket callbacks, promise chains) run. */
export async function ticks(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** Records every event of the given types, in order, as `[type, payload]`. */
export function record<K extends keyof LiveAgentEventMap>(
  session: LiveAgentSession,
  types: readonly K[],
): [K, LiveAgentEventMap[K]][] {
  const log: [K, LiveAgentEventMap[K]][] = [];
  for (const type of types) session.on(type, (event) => log.push([type, event]));
  return log;
}

/** The status sequence seen by `status` listeners. */
export function statuses(session: LiveAgentSession): string[] {
  const seen: string[] = [];
  session.on('status', (e) => seen.push(e.status));
  return seen;
}

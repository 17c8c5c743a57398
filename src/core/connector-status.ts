/**
 * The connector's status and the callers waiting on it: a connect() made while a reconnect runs
 * joins that reconnect and settles with its outcome (connected, or the error / close that ended
 * it) instead of starting a second session.
 */
import { LiveAgentError } from './errors.ts';
import type { LiveAgentStatus } from './types.ts';

/** A status change, as the connector's `status` event carries it. */
export interface StatusChange {
  status: LiveAgentStatus;
  previous: LiveAgentStatus;
  /** Set when the new status is `error`. */
  error?: LiveAgentError;
}

export class ConnectorStatus {
  private state: LiveAgentStatus = 'idle';
  private waiters: { resolve(): void; reject(error: LiveAgentError): void }[] = [];

  constructor(private readonly changed: (change: StatusChange) => void) {}

  get current(): LiveAgentStatus {
    return this.state;
  }

  /** Settles when the status next leaves connecting/reconnecting: resolves on `connected`. */
  outcome(): Promise<void> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  set(next: LiveAgentStatus, error?: LiveAgentError): void {
    const previous = this.state;
    if (previous === next) return;
    this.state = next;
    this.changed(error ? { status: next, previous, error } : { status: next, previous });
    if (next === 'reconnecting' || next === 'connecting') return;
    const waiters = this.waiters.splice(0);
    const failure = error ?? new LiveAgentError('aborted', 'The session was closed');
    for (const w of waiters)
      if (next === 'connected') w.resolve();
      else w.reject(failure);
  }
}

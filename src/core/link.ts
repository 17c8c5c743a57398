/**
 * The connection's part of the snapshot: status, the error that ended the session, the reconnect
 * attempt, when a goAway cuts the connection, and whether a resumption handle is held. Fed by the
 * connector's events through the inbound router; the session merges it with the other slices.
 */
import type { LiveAgentError } from './errors.ts';
import type { LiveAgentSnapshot, LiveAgentStatus } from './types.ts';

export type LinkSlice = Pick<
  LiveAgentSnapshot,
  'status' | 'error' | 'reconnectAttempt' | 'goAwayAt' | 'sessionResumable'
>;

/** Holds the connection slice; every change replaces it. */
export class LinkState {
  private state: LinkSlice = {
    status: 'idle',
    error: null,
    reconnectAttempt: 0,
    goAwayAt: null,
    sessionResumable: false,
  };

  /** This manager's part of the snapshot. */
  get slice(): LinkSlice {
    return this.state;
  }

  /** A status change; `error` when the session ended badly. A fresh connect clears the error. */
  handleStatus(status: LiveAgentStatus, error?: LiveAgentError): void {
    const next: LinkSlice = { ...this.state, status };
    if (status === 'connecting') Object.assign(next, { error: null, reconnectAttempt: 0 });
    if (status === 'connected') next.reconnectAttempt = 0;
    if (status === 'closed' || status === 'error')
      Object.assign(next, { goAwayAt: null, sessionResumable: false });
    if (error) next.error = error;
    this.state = next;
  }

  handleReconnecting(attempt: number): void {
    this.state = { ...this.state, reconnectAttempt: attempt };
  }

  /** A successor connection took over: no cut pending, no attempts counting. */
  handleResumed(): void {
    this.state = { ...this.state, goAwayAt: null, reconnectAttempt: 0 };
  }

  /** The server announced the cut at `at` (epoch ms). */
  handleGoAway(at: number): void {
    this.state = { ...this.state, goAwayAt: at };
  }

  handleResumable(resumable: boolean): void {
    this.state = { ...this.state, sessionResumable: resumable };
  }
}

/**
 * How a connection ends on the service's terms: `goAway{timeLeft}` ahead of the lifetime limit,
 * then close 1011 with Google's deadline reason, and close reasons cut to what a close frame holds.
 */
import type { ServerMessage } from '../core/wire.ts';
import type { EmulatorSettings } from './types.ts';

const DEADLINE = 'Deadline expired before operation could complete.';

/** What the lifetime needs from its session. */
export interface LifetimeHost {
  send(message: ServerMessage): unknown;
  close(code: number, reason: string): void;
}

/** A session's timers: the lifetime's goAway and the deadline close; all cleared on close. */
export class Lifetime {
  private readonly timers = new Set<NodeJS.Timeout>();
  private deadline: NodeJS.Timeout | undefined;
  private videoLimited = false;

  /** Starts the clock when `connectionLifetimeMs` is set. */
  constructor(
    private readonly host: LifetimeHost,
    settings: Pick<EmulatorSettings, 'connectionLifetimeMs' | 'goAwayLeadMs'>,
  ) {
    const lifetime = settings.connectionLifetimeMs;
    if (lifetime !== undefined && lifetime > 0) {
      const lead = Math.min(settings.goAwayLeadMs, lifetime / 2);
      this.later(lifetime - lead, () => this.goAway(lead, true));
    }
  }

  /** Sends `goAway{timeLeft}`; with `close`, closes 1011 when the time is up. */
  goAway(timeLeftMs: number, close: boolean): void {
    this.host.send({ goAway: { timeLeft: `${Number((timeLeftMs / 1000).toFixed(3))}s` } });
    if (!close) return;
    // A later goAway moves the deadline rather than adding a second one.
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = this.later(timeLeftMs, () => this.host.close(1011, DEADLINE));
  }

  /**
   * Starts the audio+video limit at the first frame (once): the connection closes 1011 when it is
   * up, as Google ends uncompressed audio+video sessions after about 2 minutes.
   */
  videoLimit(ms: number): void {
    if (this.videoLimited) return;
    this.videoLimited = true;
    this.later(ms, () => this.host.close(1011, DEADLINE));
  }

  /** Cancels whatever is pending (the socket has closed). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }
}

/** Cuts a close reason to 123 bytes, the most a close frame carries (ws throws beyond that). */
export function closeReason(reason: string): string {
  // A multi-byte character cut in half decodes to U+FFFD: drop it rather than send a broken one.
  return Buffer.from(reason)
    .subarray(0, 123)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

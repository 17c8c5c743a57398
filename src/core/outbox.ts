/**
 * Messages that must not be lost to a dropped connection: tool responses produced while the
 * session is reconnecting are queued and sent, in order, once a connection is up again.
 */

/** Sends through `send` when it can, queues otherwise. */
export class Outbox<T> {
  private queue: T[] = [];

  /** `send` returns false while no connection is up. */
  constructor(private readonly send: (message: T) => boolean) {}

  /** Sends now, or queues until flush() when there is no connection. */
  deliver(message: T): void {
    if (!this.send(message)) this.queue.push(message);
  }

  /** Sends what was queued (a connection is up again); what still cannot go stays queued. */
  flush(): void {
    for (const message of this.queue.splice(0)) this.deliver(message);
  }

  /** Drops what was queued: a fresh (not resumed) session does not know those calls. */
  clear(): void {
    this.queue = [];
  }
}

/**
 * One connection attempt as the connector sees it. Frames that arrive before the slot becomes
 * current (the transport may deliver right after setupComplete, before open() resolves in our
 * continuation) are queued and replayed in order, so nothing is lost or reordered.
 */
import type { CloseInfo, LiveConnection } from './transport.ts';

/** A connection in the making, in use, or retired (its late callbacks are ignored). */
export class Slot {
  state: 'opening' | 'current' | 'retired' = 'opening';
  conn: LiveConnection | null = null;
  /** A close reported while still opening (open() then fails with it). */
  closed: CloseInfo | null = null;
  private queue: (() => void)[] | null = [];

  /** Delivers now once flushed, queues before that, drops after retirement. */
  route(deliver: () => void): void {
    if (this.state === 'retired') return;
    if (this.queue) this.queue.push(deliver);
    else deliver();
  }

  /** Replays queued frames in order; later frames are delivered directly. */
  flush(): void {
    const queue = this.queue ?? [];
    this.queue = null;
    for (const deliver of queue) if (this.state === 'current') deliver();
  }

  /** Stops delivery and closes the socket normally (1000). Idempotent. */
  retire(reason: string): void {
    if (this.state === 'retired') return;
    this.state = 'retired';
    this.conn?.close(1000, reason);
  }
}

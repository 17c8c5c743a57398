/**
 * The connector's connections: the current one and the attempts still opening. Opening enforces
 * the session's own deadline on top of the transport's, and makes sure a socket that arrives late
 * (after that deadline, or after the attempt was cancelled) is closed rather than leaked.
 */
import { ConnectionError } from './errors.ts';
import { withTimeout } from './async.ts';
import { Slot } from './slot.ts';
import { classifyClose } from './reconnect.ts';
import type { ConnectionHandlers, LiveConnection, LiveTransport, OpenParams } from './transport.ts';

/** Extra time the session grants a transport beyond its own setupComplete deadline. */
const OPEN_GRACE_MS = 1000;

/** Tracks which slot is current and which are opening, so all of them can be retired at once. */
export class Slots {
  private current: Slot | null = null;
  /** Slots whose transport.open() is in flight (closed on retireAll() when they land). */
  private readonly opening = new Set<Slot>();

  /** The active connection, if any. */
  get connection(): LiveConnection | null {
    return this.current?.conn ?? null;
  }

  /**
   * transport.open() into a new slot that buffers frames until it becomes current. Rejects with
   * the close that came while it was opening, or with a timeout; `handlers` are bound to the slot.
   */
  async open(
    transport: LiveTransport,
    params: OpenParams,
    handlers: (slot: Slot) => ConnectionHandlers,
  ): Promise<Slot> {
    const slot = new Slot();
    this.opening.add(slot);
    const opening = transport.open(params, handlers(slot));
    // A late success after our own deadline (or a cancel) must not leak a socket.
    opening.then(
      (conn) => {
        slot.conn = conn;
        if (slot.state === 'retired') conn.close(1000, 'cancelled');
      },
      () => undefined,
    );
    const conn = await withTimeout(opening, params.connectTimeoutMs + OPEN_GRACE_MS, () => {
      slot.state = 'retired';
      return ConnectionError.timeout(params.connectTimeoutMs);
    }).finally(() => this.opening.delete(slot));
    slot.conn = conn;
    if (slot.closed) {
      slot.state = 'retired';
      throw classifyClose(slot.closed);
    }
    return slot;
  }

  /** Activates `slot` and retires the connection it replaces (a hand-off). */
  makeCurrent(slot: Slot): void {
    const old = this.current;
    slot.state = 'current';
    this.current = slot;
    slot.conn?.activate();
    if (old && old !== slot) old.retire('handoff');
  }

  /** The current slot's connection closed: retire it without closing the socket again. */
  dropCurrent(slot: Slot): void {
    slot.state = 'retired';
    this.current = null;
  }

  /** Closes the current connection and every attempt still opening. */
  retireAll(reason: string): void {
    this.current?.retire(reason);
    for (const slot of this.opening) slot.retire(reason);
    this.opening.clear();
    this.current = null;
  }
}

/**
 * A slow or stalled network under one connection, made with the real TCP socket: reads are paused
 * (the kernel's receive window fills, the client's socket stops draining and its WebSocket
 * `bufferedAmount` grows for real) and writes are corked. Nothing is faked above the socket.
 */
import type { Socket } from 'node:net';

/** How a connection's link behaves; see `EmulatorSession.link`. */
export interface LinkState {
  /** Client → server bytes read per second: Infinity reads freely, 0 stops reading. */
  readBytesPerSecond: number;
  /** Server → client frames held back (corked) until the stall ends. */
  writesStalled: boolean;
}

/** Read throttling and write stalls on one socket. */
export class Link {
  private rate = Infinity;
  private stalledWrites = false;
  /** When the bytes read so far may have been read at `rate` (throttled reads only). */
  private budgetAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly socket: Socket | undefined) {
    socket?.on('data', (chunk: Buffer) => this.onData(chunk.length));
    socket?.once('close', () => this.dispose());
  }

  /** The current setting. */
  get state(): LinkState {
    return { readBytesPerSecond: this.rate, writesStalled: this.stalledWrites };
  }

  /** Reads at most `bytesPerSecond` (0 stops reading; Infinity restores full speed). */
  readRate(bytesPerSecond: number): void {
    if (!this.socket || this.closed) return;
    this.rate = Math.max(0, bytesPerSecond);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.budgetAt = Date.now();
    if (this.rate === 0) this.socket.pause();
    else this.socket.resume();
  }

  /** A full stall: nothing read, nothing written, until {@link resume}. */
  stall(): void {
    if (!this.socket || this.closed) return;
    this.readRate(0);
    if (!this.stalledWrites) this.socket.cork();
    this.stalledWrites = true;
  }

  /** Ends a stall or throttle: reads at full speed, held frames go out in order. */
  resume(): void {
    if (!this.socket || this.closed) return;
    this.readRate(Infinity);
    if (this.stalledWrites) this.socket.uncork();
    this.stalledWrites = false;
  }

  private onData(bytes: number): void {
    if (!Number.isFinite(this.rate) || this.rate === 0 || this.closed) return;
    const now = Date.now();
    this.budgetAt = Math.max(this.budgetAt, now) + (bytes / this.rate) * 1000;
    const wait = this.budgetAt - now;
    // Pause until the bytes just read would have taken that long at `rate`.
    if (wait > 5 && !this.timer) {
      this.socket!.pause();
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.closed && this.rate > 0) this.socket!.resume();
      }, wait);
    }
  }

  private dispose(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

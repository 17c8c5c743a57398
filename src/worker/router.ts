/**
 * Routes microphone frames to the active connection. While there is none (pre-connect,
 * reconnecting, goAway hand-off) frames are buffered — bounded, oldest dropped — and flushed in
 * order on activate(), so the user's first words are never lost.
 *
 * Live has no acknowledgements: audio written to a socket just before it dies abruptly (1006,
 * 1011) may never have reached the model. The last ~100 ms sent are kept and, after an abrupt
 * close only, sent again to the next connection ahead of what was buffered meanwhile. The
 * trade-off: when the server had in fact read them, up to 100 ms are heard twice; a clean close
 * (1000, the goAway hand-off) resends nothing.
 */
import type { TransportEvent } from '../core/transport.ts';
import type { WireConnection } from '../transport/connection.ts';
import { Backlog, type BacklogOptions } from './backlog.ts';
import { CAPTURE_RATE, type CaptureFrame } from './pipes.ts';

/** How often a congested connection is checked for having drained (no drain event exists). */
const DRAIN_CHECK_MS = 20;

export interface RouterOptions {
  /** Longest audio kept while no connection is active (default 5000 ms). */
  maxBufferMs?: number;
  /** Audio resent after an abrupt close (default 100 ms; 0 turns resending off). */
  resendMs?: number;
  /** Bounds of the audio held back from a congested connection. */
  backlog?: BacklogOptions;
  onEvent(event: TransportEvent): void;
}

/** Microphone frame router (one per worker). */
export class CaptureRouter {
  private active: WireConnection | null = null;
  private buffer: CaptureFrame[] = [];
  private bufferedSamples = 0;
  private droppedSamples = 0;
  private micEnabled = true;
  private readonly maxSamples: number;
  /** The last frames sent, to `recentTo`, at most `resendSamples` long. */
  private recent: CaptureFrame[] = [];
  private recentSamples = 0;
  private recentTo: WireConnection | null = null;
  private readonly resendSamples: number;
  private readonly backlog: Backlog;
  /** The connection audio is held back from (its socket is behind), if any. */
  private congestedTo: WireConnection | null = null;
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  /** The mic went off while congested: `audioStreamEnd` follows the backlog. */
  private endPending = false;

  constructor(private readonly options: RouterOptions) {
    this.maxSamples = ((options.maxBufferMs ?? 5000) * CAPTURE_RATE) / 1000;
    this.resendSamples = ((options.resendMs ?? 100) * CAPTURE_RATE) / 1000;
    this.backlog = new Backlog(options.backlog);
  }

  /** True while the active connection's socket is too far behind (video should not add to it). */
  get congested(): boolean {
    return this.congestedTo !== null;
  }

  /** Milliseconds of audio waiting for a connection. */
  get bufferedMs(): number {
    return (this.bufferedSamples * 1000) / CAPTURE_RATE;
  }

  /** One 16 kHz frame from the capture pipe. */
  handleFrame(frame: CaptureFrame): void {
    if (!this.micEnabled) return;
    if (this.active?.isOpen) {
      if (this.sendOrHold(this.active, frame)) return;
      this.active = null;
    }
    this.unhold();
    this.buffer.push(frame);
    this.bufferedSamples += frame.samples;
    while (this.bufferedSamples > this.maxSamples && this.buffer.length > 1) {
      const old = this.buffer.shift() as CaptureFrame;
      this.bufferedSamples -= old.samples;
      this.droppedSamples += old.samples;
    }
  }

  /** Makes `connection` the audio destination and flushes the buffer to it, in order. */
  activate(connection: WireConnection): void {
    // Audio held back from the previous connection goes to this one, first.
    this.unhold();
    this.active = connection;
    this.forgetRecent();
    if (this.droppedSamples > 0) {
      this.options.onEvent({
        type: 'capture-dropped',
        ms: (this.droppedSamples * 1000) / CAPTURE_RATE,
      });
      this.droppedSamples = 0;
    }
    const pending = this.buffer;
    this.buffer = [];
    this.bufferedSamples = 0;
    for (const [i, frame] of pending.entries()) {
      if (!this.trySend(connection, frame)) {
        // The connection died mid-flush: keep the rest for the next one.
        this.active = null;
        for (const rest of pending.slice(i)) this.handleFrame(rest);
        return;
      }
    }
    if (pending.length > 0 && !this.micEnabled) this.trySendEnd(connection);
  }

  /**
   * Forgets `connection` when it closes. After an abrupt close, the audio last sent to it goes
   * back to the front of the buffer, for the next connection.
   */
  release(connection: WireConnection, abrupt = false): void {
    if (this.active === connection) this.active = null;
    if (this.congestedTo === connection) this.unhold();
    if (this.recentTo !== connection) return;
    if (abrupt && this.recent.length > 0) {
      this.buffer.unshift(...this.recent);
      this.bufferedSamples += this.recentSamples;
    }
    this.forgetRecent();
  }

  /** Off: frames are discarded and the active connection gets one `audioStreamEnd`. */
  setMicEnabled(enabled: boolean): void {
    if (enabled === this.micEnabled) return;
    this.micEnabled = enabled;
    this.endPending = false;
    if (!enabled && this.congestedTo && this.congestedTo === this.active) this.endPending = true;
    else if (!enabled && this.active?.isOpen) this.trySendEnd(this.active);
  }

  /** Sends, or holds the frame while `connection` is congested; false when the send failed. */
  private sendOrHold(connection: WireConnection, frame: CaptureFrame): boolean {
    if (this.congestedTo !== connection && this.backlog.congested(connection)) {
      this.unhold();
      this.congestedTo = connection;
      this.drainTimer = setInterval(() => this.drain(), DRAIN_CHECK_MS);
      this.emitCongestion(true, 0, 0);
    }
    if (this.congestedTo !== connection) return this.trySend(connection, frame);
    this.backlog.push(frame);
    return this.drain();
  }

  /** Sends what the backlog may; ends the congestion once it is empty. False: a send failed. */
  private drain(): boolean {
    const connection = this.congestedTo;
    if (!connection) return true;
    if (!this.backlog.drain(connection, (f) => this.trySend(connection, f))) return false;
    if (this.backlog.length > 0) return true;
    this.endCongestion();
    if (this.endPending) this.trySendEnd(connection);
    this.endPending = false;
    return true;
  }

  /** Ends a congestion: reports it and what the bound dropped. */
  private endCongestion(): void {
    clearInterval(this.drainTimer);
    this.drainTimer = undefined;
    this.congestedTo = null;
    const { droppedMs, heldMs } = this.backlog.takeDropped();
    this.emitCongestion(false, droppedMs, heldMs);
    if (droppedMs > 0) this.options.onEvent({ type: 'capture-dropped', ms: droppedMs });
  }

  /** The congested connection is gone or replaced: its backlog goes ahead of the buffer. */
  private unhold(): void {
    if (!this.congestedTo) return;
    const held = this.backlog.takeAll();
    this.buffer.unshift(...held);
    for (const frame of held) this.bufferedSamples += frame.samples;
    this.endCongestion();
  }

  private emitCongestion(congested: boolean, droppedMs: number, heldMs: number): void {
    this.options.onEvent({
      type: 'congestion',
      congested,
      bufferedBytes: this.congestedTo?.bufferedAmount ?? 0,
      droppedMs,
      heldMs,
    });
  }

  private trySend(connection: WireConnection, frame: CaptureFrame): boolean {
    if (!connection.isOpen) return false;
    try {
      connection.send({ type: 'audio', data: frame.data, sampleRate: CAPTURE_RATE });
    } catch {
      return false;
    }
    this.remember(connection, frame);
    return true;
  }

  private remember(connection: WireConnection, frame: CaptureFrame): void {
    if (this.resendSamples <= 0) return;
    if (this.recentTo !== connection) this.forgetRecent();
    this.recentTo = connection;
    this.recent.push(frame);
    this.recentSamples += frame.samples;
    while (this.recentSamples > this.resendSamples && this.recent.length > 1)
      this.recentSamples -= (this.recent.shift() as CaptureFrame).samples;
  }

  private forgetRecent(): void {
    this.recent = [];
    this.recentSamples = 0;
    this.recentTo = null;
  }

  private trySendEnd(connection: WireConnection): void {
    try {
      connection.send({ type: 'audioStreamEnd' });
    } catch {
      // Closed meanwhile: the server ends the turn anyway.
    }
  }
}

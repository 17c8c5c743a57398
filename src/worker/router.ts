/**
 * Routes microphone frames to the active connection. While there is none (pre-connect,
 * reconnecting, goAway hand-off) frames are buffered — bounded, oldest dropped — and flushed in
 * order on activate(), so the user's first words are never lost.
 *
 * Live has no acknowledgements: audio written to a socket just before it dies abruptly (1006,
 * 1011) may never have reached the model. The last ~100 ms sent are kept and, after an abrupt
 * close only, sent again to the next connection ahead of what was buffered meanwhile. The
 * trade-off: when the server had in fact read them, up to 100 ms are heard twice; a clean close
 * (1000, the goAway hand-off) resends nothing of that hedge.
 * What the socket itself says it never sent is resent after any close, ahead of the hedge: a
 * closed WebSocket keeps its `bufferedAmount` (bytes queued, never transmitted). WebKit under
 * load closed a stalled connection with 28 KB (~600 ms of audio) still queued, which had been
 * lost. So the frames sent are kept while they could still be queued (up to the high-water mark).
 * The hedge is counted in time too, and spans the delay before a close is seen: a socket learns
 * of a drop late (the browser's network process, IPC, the worker's event loop), and what it was
 * given meanwhile is gone without a trace in `bufferedAmount` (WebKit counts a frame as sent once
 * its network process has it). On a loaded machine a WebKit close was seen 144 ms after the last
 * frame the server read: the 100 ms of audio resent then missed two frames. So an abrupt close
 * resends at least `resendMs` of audio, and every frame sent within `CLOSE_DELAY_MS` + `resendMs`
 * before the close was seen (frames sent in a burst after a stall count by when they were sent).
 * "Seen" counts from when the worker last ran (a frame came or went), when that is earlier: a
 * worker starved by a loaded machine sees the close late by as long as it got nothing. WebKit at
 * load ~5 handed nine frames to a socket whose close it saw 1 s later with nothing sent between:
 * counted from the close they were a second old, and all nine were lost.
 * A hand-off switches to the successor while the old connection is still open; if the server's
 * close crossed the switch, what the old one was given last is lost the same way. So its tail is
 * kept until it closes, and goes to the successor late (out of order by up to `CLOSE_DELAY_MS` +
 * `resendMs`) rather than never.
 *
 * A WebSocket never refuses a send: on a slow or stalled network its unsent bytes grow without
 * bound, and so does the delay before the model hears the user. Above `highWaterBytes` unsent,
 * the connection is congested: frames wait in the same buffer, bounded tighter (`congestedMs`,
 * the oldest dropped first: the model should hear the latest words), and go out once the socket
 * has drained below `lowWaterBytes`. `congestion` events report both edges.
 */
import type { TransportEvent } from '../core/transport.ts';
import type { WireConnection } from '../transport/connection.ts';
import { CAPTURE_RATE, type CaptureFrame } from './pipes.ts';

/** How often a congested connection is checked for having drained (sockets have no drain event). */
const DRAIN_CHECK_MS = 20;
/** An audio message's JSON around its base64 (`{"realtimeInput":{"audio":{…}}}`), a little less. */
const AUDIO_JSON_BYTES = 60;
/** How late a close may be seen, beyond the hedge (WebKit at load 12: 144 ms after the last read). */
const CLOSE_DELAY_MS = 100;
/** Frames come every 20 ms while the mic is on: a longer wait than two means the worker waited. */
const FRAME_GAP_MS = 40;

/** The last frames sent to one connection, each with its size on the socket and when it went out. */
type Tail = [to: WireConnection | null, frames: CaptureFrame[], bytes: number[], at: number[]];
const noTail = (): Tail => [null, [], [], []];

export interface RouterOptions {
  /** Longest audio kept while no connection is active (default 5000 ms). */
  maxBufferMs?: number;
  /** Audio resent after an abrupt close as a hedge (default 100 ms; 0: none). What the socket
   * reports it never sent is resent after any close regardless. */
  resendMs?: number;
  /** Unsent socket bytes above which audio waits (default 64 KiB ≈ 1.3 s of audio messages). */
  highWaterBytes?: number;
  /** Unsent socket bytes below which waiting audio is sent again (default 16 KiB). */
  lowWaterBytes?: number;
  /** Longest audio kept while congested (default 1000 ms). */
  congestedMs?: number;
  /** The clock sends are timed by (default `performance.now`; tests inject one). */
  now?: () => number;
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
  /**
   * The last frames sent, to the connection that got the latest: at least `resendSamples` long,
   * and as many as its socket may still hold unsent (the high-water mark). Their samples and bytes.
   */
  private recent = noTail();
  private recentSamples = 0;
  private recentTotalBytes = 0;
  /** The last frames sent to the connection the active one replaced, until that one closes. */
  private replaced = noTail();
  /** When the worker last got or sent a frame (`now()`). */
  private ranAt = -Infinity;
  private readonly resendSamples: number;
  private readonly now: () => number;
  /** The connection audio waits for (its socket is behind), if any. */
  private congestedTo: WireConnection | null = null;
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  /** Most samples held while congested; samples dropped meanwhile. */
  private heldPeak = 0;
  private congestedDrops = 0;
  /** The mic went off while congested: `audioStreamEnd` follows the held audio. */
  private endPending = false;

  constructor(private readonly options: RouterOptions) {
    this.maxSamples = ((options.maxBufferMs ?? 5000) * CAPTURE_RATE) / 1000;
    this.resendSamples = ((options.resendMs ?? 100) * CAPTURE_RATE) / 1000;
    this.now = options.now ?? (() => performance.now());
  }

  /** True while the active connection's socket is behind (video must not add to it). */
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
    const connection = this.active;
    if (connection?.isOpen && !this.congestedTo) {
      if (connection.bufferedAmount > (this.options.highWaterBytes ?? 65536)) {
        this.congestedTo = connection;
        this.drainTimer = setInterval(() => this.drain(), DRAIN_CHECK_MS);
        this.emitCongestion(true, 0);
      } else if (this.trySend(connection, frame)) return;
      else this.active = null;
    }
    // A sent frame set it already (one clock read per frame).
    this.ranAt = this.now();
    this.buffer.push(frame);
    this.bufferedSamples += frame.samples;
    const congested = this.congestedTo !== null;
    const max = congested
      ? ((this.options.congestedMs ?? 1000) * CAPTURE_RATE) / 1000
      : this.maxSamples;
    while (this.bufferedSamples > max && this.buffer.length > 1) {
      const old = this.buffer.shift() as CaptureFrame;
      this.bufferedSamples -= old.samples;
      this.droppedSamples += old.samples;
      if (congested) this.congestedDrops += old.samples;
    }
    if (!congested) return;
    this.heldPeak = Math.max(this.heldPeak, this.bufferedSamples);
    this.drain();
  }

  /** Makes `connection` the audio destination and flushes the buffer to it, in order. */
  activate(connection: WireConnection): void {
    // Audio waiting for a congested predecessor goes to this one.
    this.endCongestion();
    this.active = connection;
    if (this.recent[0] !== connection) this.replaced = this.recent;
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
    // What waited for it stays buffered for the next connection.
    if (this.congestedTo === connection) this.endCongestion();
    const old = this.replaced[0] === connection;
    const tail = old ? this.replaced : this.recent;
    if (tail[0] !== connection) return;
    if (old) this.replaced = noTail();
    else this.forgetRecent();
    const [, frames, bytes, at] = tail;
    // The newest frames whose bytes the socket never sent, then (abrupt) the hedge before them.
    let unsent = connection.bufferedAmount ?? 0;
    let count = 0;
    const n = frames.length;
    while (count < n && unsent > 0) unsent -= bytes[n - 1 - count++]!;
    if (abrupt && this.resendSamples > 0) {
      for (let hedge = 0; count < n && hedge < this.resendSamples; count++)
        hedge += frames[n - 1 - count]!.samples;
      // And all sent since the close may have happened, less the hedge; with the mic on, seen
      // no later than the worker last ran (muted, no frames come: the quiet is not starvation).
      const seen = Math.min(this.now(), this.micEnabled ? this.ranAt + FRAME_GAP_MS : Infinity);
      const since = seen - CLOSE_DELAY_MS - (this.options.resendMs ?? 100);
      while (count < n && at[n - 1 - count]! >= since) count++;
    }
    const again = frames.slice(n - count);
    const successor = this.active;
    if (old && successor?.isOpen && !this.congestedTo) {
      // The successor already has newer audio: these go to it late rather than never.
      for (const frame of again) if (!this.trySend(successor, frame)) break;
      return;
    }
    this.buffer.unshift(...again);
    this.bufferedSamples += again.reduce((sum, f) => sum + f.samples, 0);
  }

  /** Off: frames are discarded and the active connection gets one `audioStreamEnd`. */
  setMicEnabled(enabled: boolean): void {
    if (enabled === this.micEnabled) return;
    this.micEnabled = enabled;
    this.endPending = !enabled && this.congestedTo !== null;
    if (!enabled && !this.endPending && this.active?.isOpen) this.trySendEnd(this.active);
  }

  /** Sends waiting audio once the congested socket has drained, while it stays below the mark. */
  private drain(): void {
    const connection = this.congestedTo;
    if (!connection || connection.bufferedAmount > (this.options.lowWaterBytes ?? 16384)) return;
    const high = this.options.highWaterBytes ?? 65536;
    while (this.buffer.length > 0 && connection.bufferedAmount <= high) {
      const frame = this.buffer[0] as CaptureFrame;
      // A failed send: the connection died; release() follows and the audio stays buffered.
      if (!this.trySend(connection, frame)) return;
      this.buffer.shift();
      this.bufferedSamples -= frame.samples;
    }
    if (this.buffer.length > 0) return;
    const end = this.endPending;
    this.endCongestion();
    if (end) this.trySendEnd(connection);
  }

  /** Ends a congestion: reports it, with the audio dropped meanwhile. */
  private endCongestion(): void {
    if (!this.congestedTo) return;
    clearInterval(this.drainTimer);
    this.congestedTo = null;
    this.endPending = false;
    const droppedMs = (this.congestedDrops * 1000) / CAPTURE_RATE;
    // The drop first: a listener of the recovery reads it in the snapshot's metrics already.
    if (droppedMs > 0) this.options.onEvent({ type: 'capture-dropped', ms: droppedMs });
    this.emitCongestion(false, droppedMs, (this.heldPeak * 1000) / CAPTURE_RATE);
    this.droppedSamples -= this.congestedDrops;
    this.congestedDrops = this.heldPeak = 0;
  }

  private emitCongestion(congested: boolean, droppedMs: number, heldMs = 0): void {
    const bufferedBytes = this.congestedTo?.bufferedAmount ?? 0;
    this.options.onEvent({ type: 'congestion', congested, bufferedBytes, droppedMs, heldMs });
  }

  private trySend(connection: WireConnection, frame: CaptureFrame): boolean {
    if (!connection.isOpen) return false;
    const before = connection.bufferedAmount ?? 0;
    try {
      connection.send({ type: 'audio', data: frame.data, sampleRate: CAPTURE_RATE });
    } catch {
      return false;
    }
    // A send adds its bytes to bufferedAmount at once; where it does not, the JSON's size.
    const added = (connection.bufferedAmount ?? 0) - before;
    this.remember(connection, frame, added > 0 ? added : frame.data.length + AUDIO_JSON_BYTES);
    return true;
  }

  private remember(connection: WireConnection, frame: CaptureFrame, size: number): void {
    if (this.recent[0] !== connection) this.forgetRecent();
    const [, frames, bytes, at] = this.recent;
    this.recent[0] = connection;
    const now = (this.ranAt = this.now());
    frames.push(frame);
    bytes.push(size);
    at.push(now);
    this.recentSamples += frame.samples;
    this.recentTotalBytes += size;
    // Unsent bytes stay below the high-water mark plus one frame (above it, frames wait here).
    const keepBytes = (this.options.highWaterBytes ?? 65536) + size;
    const keepSince = now - CLOSE_DELAY_MS - (this.options.resendMs ?? 100);
    while (
      frames.length > 1 &&
      this.recentSamples - frames[0]!.samples >= this.resendSamples &&
      this.recentTotalBytes - bytes[0]! >= keepBytes &&
      at[0]! < keepSince
    ) {
      this.recentSamples -= (frames.shift() as CaptureFrame).samples;
      this.recentTotalBytes -= bytes.shift()!;
      at.shift();
    }
  }

  private forgetRecent(): void {
    this.recent = noTail();
    this.recentSamples = this.recentTotalBytes = 0;
  }

  private trySendEnd(connection: WireConnection): void {
    try {
      connection.send({ type: 'audioStreamEnd' });
    } catch {
      // Closed meanwhile: the server ends the turn anyway.
    }
  }
}

/**
 * The router against a socket that cannot keep up: a fake connection whose unsent bytes grow
 * with each send and fall only when the test lets the "network" drain them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientIntent, TransportEvent } from '../../src/core/transport.ts';
import type { WireConnection } from '../../src/transport/connection.ts';
import { decodeBase64, encodeBase64 } from '../../src/dsp/index.ts';
import { CaptureRouter, type RouterOptions } from '../../src/worker/router.ts';
import type { CaptureFrame } from '../../src/worker/pipes.ts';

/** 20 ms at 16 kHz whose samples all carry the frame number. */
function numbered(n: number): CaptureFrame {
  const pcm = new Int16Array(320).fill(n);
  return {
    data: encodeBase64(new Uint8Array(pcm.buffer)),
    samples: 320,
    rms: 0.1,
    at: n,
    capturedAt: n,
  };
}

/** A connection with a real-looking `bufferedAmount`: each send adds its JSON length. */
function slowConnection() {
  const messages: number[][] = [];
  const ends: number[] = [];
  const conn = {
    id: 1,
    setupComplete: {},
    isOpen: true,
    bufferedAmount: 0,
    send(intent: ClientIntent) {
      if (!conn.isOpen) throw new Error('closed');
      if (intent.type === 'audioStreamEnd') return void ends.push(messages.length);
      if (intent.type !== 'audio') throw new Error(`unexpected ${intent.type}`);
      const bytes = decodeBase64(intent.data);
      const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      const marks: number[] = [];
      for (let i = 0; i < pcm.length; i += 320) marks.push(pcm[i]!);
      messages.push(marks);
      conn.bufferedAmount += intent.data.length + 80;
    },
    close() {
      conn.isOpen = false;
    },
  };
  return {
    conn: conn as WireConnection & { isOpen: boolean; bufferedAmount: number },
    messages,
    ends,
  };
}

const HIGH = 10_000; // ≈ 11 frames of base64 audio + JSON
const LOW = 2_000;

/**
 * A router on these marks (timing sends by the fake clock), its events, and a first slow
 * connection already active.
 */
function routed(options: Partial<RouterOptions> = {}) {
  const events: TransportEvent[] = [];
  const router = new CaptureRouter({
    onEvent: (e) => events.push(e),
    now: () => Date.now(),
    highWaterBytes: HIGH,
    lowWaterBytes: LOW,
    ...options,
  });
  const first = slowConnection();
  router.activate(first.conn);
  /** Closes the first connection (`abrupt` or not) and activates a second one. */
  const handOver = (abrupt: boolean) => {
    first.conn.isOpen = false;
    router.release(first.conn, abrupt);
    const second = slowConnection();
    router.activate(second.conn);
    return second;
  };
  return { router, events, handOver, ...first };
}

describe('CaptureRouter on a congested link', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds audio above the high-water mark, drops the oldest beyond 1 s, sends the rest in order once drained', () => {
    const { router, events, conn, messages } = routed({ congestedMs: 1000 });
    // A stalled link: nothing drains while 3 s of frames arrive.
    for (let n = 0; n < 150; n++) router.handleFrame(numbered(n));
    vi.advanceTimersByTime(200);
    expect(router.congested).toBe(true);
    expect(events.filter((e) => e.type === 'congestion')).toEqual([
      {
        type: 'congestion',
        congested: true,
        bufferedBytes: expect.any(Number),
        droppedMs: 0,
        heldMs: 0,
      },
    ]);
    const sentBefore = messages.flat();
    // Sent straight away until just above the mark, every message one frame.
    expect(sentBefore).toEqual(Array.from({ length: sentBefore.length }, (_, i) => i));
    expect(conn.bufferedAmount).toBeGreaterThan(HIGH);
    expect(conn.bufferedAmount).toBeLessThan(HIGH + 2000);
    // The link recovers: the held audio goes out and the congestion ends.
    // Each check sends up to the high-water mark; the network drains it between checks.
    for (let i = 0; i < 12; i++) {
      conn.bufferedAmount = 0;
      vi.advanceTimersByTime(20);
    }
    expect(router.congested).toBe(false);
    const all = messages.flat();
    const kept = all.slice(sentBefore.length);
    // 1 s kept (50 frames), the newest, in order; the oldest held frames were dropped.
    expect(kept).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    const droppedMs = (100 - sentBefore.length) * 20;
    expect(events.filter((e) => e.type !== 'congestion')).toEqual([
      { type: 'capture-dropped', ms: droppedMs },
    ]);
    // The drop comes before the recovery, so a recovery listener already sees it in the metrics.
    expect(events.at(-2)).toEqual({ type: 'capture-dropped', ms: droppedMs });
    expect(events.at(-1)).toEqual({
      type: 'congestion',
      congested: false,
      bufferedBytes: 0,
      droppedMs,
      heldMs: 1000,
    });
    // Flowing again: frames are sent one by one.
    router.handleFrame(numbered(150));
    expect(messages.at(-1)).toEqual([150]);
  });

  it('drains while the link is slow but moving: nothing lost, order kept', () => {
    const { router, conn, messages } = routed({ congestedMs: 1000 });
    // The link carries ~80% of the audio rate for 2 s, then all of it.
    for (let n = 0; n < 200; n++) {
      conn.bufferedAmount = Math.max(0, conn.bufferedAmount - (n < 100 ? 750 : 3000));
      router.handleFrame(numbered(n));
      vi.advanceTimersByTime(20);
    }
    conn.bufferedAmount = 0;
    vi.advanceTimersByTime(40);
    expect(messages.flat()).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(router.congested).toBe(false);
  });

  it('moves held audio to the next connection after a drop, behind the resent tail', () => {
    const { router, messages, handOver } = routed();
    for (let n = 0; n < 20; n++) router.handleFrame(numbered(n));
    const sent = messages.flat();
    const second = handOver(true);
    expect(router.congested).toBe(false);
    const got = second.messages.flat();
    // The stalled socket sent none of what it was given (its bufferedAmount holds all of it):
    // all of that again, then everything held, in order; nothing lost, nothing twice.
    expect(sent.length).toBeGreaterThan(5);
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('after any close, resends what the socket never sent; after an abrupt one, 200 ms of sends', () => {
    for (const abrupt of [false, true]) {
      const { router, conn, handOver } = routed();
      // Ten frames go out over the network; the last four are still queued in the socket when
      // the server closes (WebKit under load: a closed socket with 28 KB never sent).
      for (let n = 0; n < 14; n++) {
        if (n < 11) conn.bufferedAmount = 0;
        router.handleFrame(numbered(n));
        vi.advanceTimersByTime(20);
      }
      const second = handOver(abrupt);
      router.handleFrame(numbered(14));
      // The hedge: what was sent in the last 200 ms (the close's delay and 100 ms), here more
      // than five 20 ms frames before the unsent ones.
      const from = abrupt ? 4 : 10;
      expect(second.messages.flat()).toEqual(Array.from({ length: 15 - from }, (_, i) => from + i));
    }
  });

  it('after an abrupt close seen late, resends all sent since it may have happened', () => {
    const { router, conn, handOver } = routed();
    // The server went away after frame 19; the socket learns it 200 ms later, and frames 20–29
    // were handed on meanwhile: the socket counts them as sent (WebKit, its network process
    // had them), so bufferedAmount says nothing.
    for (let n = 0; n < 30; n++) {
      router.handleFrame(numbered(n));
      conn.bufferedAmount = 0;
      vi.advanceTimersByTime(20);
    }
    const second = handOver(true);
    router.handleFrame(numbered(30));
    // 100 ms of audio (five frames) would have lost frames 20–24.
    const got = second.messages.flat();
    expect(got.slice(-11)).toEqual(Array.from({ length: 11 }, (_, i) => 20 + i));
    // Bounded: 200 ms of sends before the close was seen, no more.
    expect(got.length).toBeLessThanOrEqual(11);
  });

  it('a clean close with nothing left unsent resends nothing', () => {
    const { router, conn, handOver } = routed();
    for (let n = 0; n < 30; n++) {
      conn.bufferedAmount = 0;
      router.handleFrame(numbered(n));
    }
    conn.bufferedAmount = 0;
    const second = handOver(false);
    router.handleFrame(numbered(30));
    expect(second.messages.flat()).toEqual([30]);
  });

  it('sends audioStreamEnd after the held audio when the mic goes off while congested', () => {
    const { router, conn, messages, ends } = routed();
    for (let n = 0; n < 20; n++) router.handleFrame(numbered(n));
    router.setMicEnabled(false);
    expect(ends).toEqual([]);
    conn.bufferedAmount = 0;
    vi.advanceTimersByTime(20);
    expect(messages.flat()).toHaveLength(20);
    expect(ends).toEqual([messages.length]);
  });
});

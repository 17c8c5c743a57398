import { describe, expect, it } from 'vitest';
import type { ClientIntent, TransportEvent } from '../../src/core/transport.ts';
import type { ClientMessage } from '../../src/core/wire.ts';
import type { WireConnection } from '../../src/transport/connection.ts';
import { encodeIntent } from '../../src/transport/codec.ts';
import { CaptureRouter } from '../../src/worker/router.ts';
import { frame } from './transport-fakes.ts';

function fakeConnection(id = 1) {
  const sent: ClientMessage[] = [];
  const conn = {
    id,
    setupComplete: {},
    isOpen: true,
    send(intent: ClientIntent) {
      if (!conn.isOpen) throw new Error('closed');
      sent.push(encodeIntent(intent));
    },
    close() {
      conn.isOpen = false;
    },
  };
  return { conn: conn as WireConnection & { isOpen: boolean }, sent };
}

/** The frame numbers that reached a connection as realtimeInput.audio. */
function audioOf(sent: ClientMessage[]): (string | 'END')[] {
  return sent.map((m) => {
    const input = (m as { realtimeInput: Record<string, { data?: string; mimeType?: string }> })
      .realtimeInput;
    if ('audioStreamEnd' in input) return 'END';
    expect(input['audio']?.mimeType).toBe('audio/pcm;rate=16000');
    return input['audio']!.data!;
  });
}

/** A router on a fake clock, `count` frames streamed to a first connection 20 ms apart. */
function streaming(count: number) {
  const clock = { now: 0 };
  const router = new CaptureRouter({ onEvent: () => {}, now: () => clock.now });
  const first = fakeConnection(1);
  router.activate(first.conn);
  for (let i = 0; i < count; i++, clock.now += 20) router.handleFrame(frame(i));
  return { clock, router, first };
}

describe('CaptureRouter', () => {
  it('buffers frames until activate, flushes them in order, then sends directly', () => {
    const router = new CaptureRouter({ onEvent: () => {} });
    for (let i = 0; i < 10; i++) router.handleFrame(frame(i));
    expect(router.bufferedMs).toBe(200);
    const { conn, sent } = fakeConnection();
    router.activate(conn);
    router.handleFrame(frame(10));
    expect(audioOf(sent)).toEqual(Array.from({ length: 11 }, (_, i) => `f${i}`));
    expect(router.bufferedMs).toBe(0);
  });

  it('keeps at most 5 s, drops the oldest and reports how much', () => {
    const events: TransportEvent[] = [];
    const router = new CaptureRouter({ onEvent: (e) => events.push(e) });
    for (let i = 0; i < 300; i++) router.handleFrame(frame(i)); // 6 s of 20 ms frames
    expect(router.bufferedMs).toBe(5000);
    const { conn, sent } = fakeConnection();
    router.activate(conn);
    const got = audioOf(sent);
    expect(got).toHaveLength(250);
    expect(got[0]).toBe('f50');
    expect(got.at(-1)).toBe('f299');
    expect(events).toEqual([{ type: 'capture-dropped', ms: 1000 }]);
  });

  it('mic off sends exactly one audioStreamEnd and discards frames', () => {
    const router = new CaptureRouter({ onEvent: () => {} });
    const { conn, sent } = fakeConnection();
    router.activate(conn);
    router.handleFrame(frame(1));
    router.setMicEnabled(false);
    router.setMicEnabled(false);
    router.handleFrame(frame(2));
    router.setMicEnabled(true);
    router.handleFrame(frame(3));
    expect(audioOf(sent)).toEqual(['f1', 'END', 'f3']);
  });

  it('buffers again when the active connection closes, for the next one (hand-off)', () => {
    const router = new CaptureRouter({ onEvent: () => {} });
    const a = fakeConnection(1);
    router.activate(a.conn);
    router.handleFrame(frame(1));
    a.conn.close();
    router.handleFrame(frame(2));
    router.release(a.conn);
    router.handleFrame(frame(3));
    const b = fakeConnection(2);
    router.activate(b.conn);
    expect(audioOf(a.sent)).toEqual(['f1']);
    expect(audioOf(b.sent)).toEqual(['f2', 'f3']);
  });

  it('sends audioStreamEnd after flushing audio captured before the mic was muted', () => {
    const router = new CaptureRouter({ onEvent: () => {} });
    router.handleFrame(frame(1));
    router.setMicEnabled(false);
    const { conn, sent } = fakeConnection();
    router.activate(conn);
    expect(audioOf(sent)).toEqual(['f1', 'END']);
  });
  it('after an abrupt close, resends the last 200 ms of sends first; after a clean close, nothing', () => {
    for (const abrupt of [true, false]) {
      // One frame every 20 ms: the close, seen at 400 ms, may have happened 100 ms before.
      const { router, first } = streaming(20);
      first.conn.close();
      router.handleFrame(frame(20)); // buffered: no connection
      router.release(first.conn, abrupt);
      const second = fakeConnection(2);
      router.activate(second.conn);
      const resent = Array.from({ length: 10 }, (_, i) => `f${10 + i}`);
      expect(audioOf(second.sent)).toEqual(abrupt ? [...resent, 'f20'] : ['f20']);
    }
  });
  it('counts the hedge back from the last frame when the worker got none for a while (starved)', () => {
    let now = 0;
    const router = new CaptureRouter({ onEvent: () => {}, now: () => now });
    // Nine frames wait for a connection and go out together when it is activated.
    for (let i = 0; i < 9; i++, now += 20) router.handleFrame(frame(i));
    const first = fakeConnection(1);
    router.activate(first.conn);
    // The worker gets nothing for a second, then sees the close that came meanwhile.
    now += 1000;
    first.conn.close();
    router.release(first.conn, true);
    const second = fakeConnection(2);
    router.activate(second.conn);
    expect(audioOf(second.sent)).toEqual(Array.from({ length: 9 }, (_, i) => `f${i}`));
  });
  it('a close of the replaced connection that crossed the switch: its last audio goes to the successor late', () => {
    for (const abrupt of [true, false]) {
      const { clock, router, first } = streaming(20);
      const second = fakeConnection(2);
      router.activate(second.conn); // the goAway hand-off switches at 400 ms
      for (let i = 20; i < 23; i++, clock.now += 20) router.handleFrame(frame(i));
      // The server's 1011 deadline close crossed the switch: seen at 460 ms.
      first.conn.close();
      router.release(first.conn, abrupt);
      const late = Array.from({ length: 7 }, (_, i) => `f${13 + i}`);
      expect(audioOf(second.sent)).toEqual(['f20', 'f21', 'f22', ...(abrupt ? late : [])]);
      // Released once: a second close report resends nothing more.
      router.release(first.conn, abrupt);
      expect(second.sent).toHaveLength(abrupt ? 10 : 3);
      // The successor's own tail kept the late frames: its abrupt close at once resends it all.
      second.conn.close();
      router.release(second.conn, true);
      const third = fakeConnection(3);
      router.activate(third.conn);
      expect(audioOf(third.sent)).toEqual(audioOf(second.sent));
    }
  });
  it('with frames still coming up to the close, resends only what the close may have missed', () => {
    for (const micOff of [false, true]) {
      const { clock, router, first } = streaming(50);
      // Muted, no frames come: the quiet that follows is not a starved worker.
      if (micOff) router.setMicEnabled(false);
      clock.now += micOff ? 1000 : 0;
      first.conn.close();
      router.release(first.conn, true);
      const second = fakeConnection(2);
      router.activate(second.conn);
      const audio = audioOf(second.sent).filter((a) => a !== 'END');
      // At least the 100 ms hedge; never the whole second of audio the socket was given.
      expect(audio.length).toBeGreaterThanOrEqual(5);
      expect(audio.length).toBeLessThanOrEqual(micOff ? 5 : 10);
    }
  });
});

/**
 * What the worklets post while nothing changes: an idle speaker and a silent microphone send one
 * level message and then none (no stats to the worker either), and a playing speaker sends its
 * levels at no more than ~30 Hz. Real worklets in a real AudioContext.
 */
import { afterEach, expect, test } from 'vitest';
import type { PlaybackCommand } from '../../worklets/messages.ts';
import { playbackIntoTap } from '../support/worklet-rig.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Playback worklet → capture worklet (silence unless chunks are pushed), counting messages. */
async function rig() {
  const { ctx, play, tap, toPlay } = await playbackIntoTap((close) => cleanups.push(close));
  const n = { playLevels: 0, tapLevels: 0, stats: 0 };
  /** `playedFrames` of each playback level message: where the audio clock was when it was sent. */
  const played: number[] = [];
  play.port.onmessage = (e: MessageEvent<{ playedFrames?: number }>) => {
    n.playLevels++;
    played.push(e.data.playedFrames ?? 0);
  };
  tap.port.onmessage = () => n.tapLevels++;
  toPlay.port2.onmessage = (e: MessageEvent<{ type: string }>) => {
    if (e.data.type === 'stats') n.stats++;
  };
  const send = (cmd: PlaybackCommand) => toPlay.port2.postMessage(cmd);
  return { ctx, n, send, played };
}

/** Messages of each kind during `ms`. */
async function during(n: Record<string, number>, ms: number): Promise<Record<string, number>> {
  const before = { ...n };
  await sleep(ms);
  return Object.fromEntries(Object.keys(n).map((k) => [k, n[k]! - before[k]!]));
}

test('silence and an idle speaker post nothing after their first level message', async () => {
  const { ctx, n } = await rig();
  // Let the audio clock run 300 ms first (a loaded machine may start it late).
  const t0 = ctx.currentTime;
  while (ctx.currentTime < t0 + 0.3) await sleep(20);
  expect(n.playLevels + n.tapLevels).toBeGreaterThan(0); // the first (silent) level went out
  const idle = await during(n, 600);
  expect(idle).toEqual({ playLevels: 0, tapLevels: 0, stats: 0 });
});

test('a playing speaker posts levels at ~30 Hz at most, and stops once it is done', async () => {
  const { ctx, n, send, played } = await rig();
  const samples = Float32Array.from({ length: ctx.sampleRate }, (_, i) => 0.3 * Math.sin(i / 5));
  const sent = ctx.currentTime;
  send({ type: 'chunk', turnId: 1, samples });
  send({ type: 'end-turn', turnId: 1 });
  await sleep(100);
  // The rate is per second of audio, read from the messages' own `playedFrames`: on a loaded
  // machine late quanta render in a burst and messages queue on the port, so 500 wall-clock ms
  // held 19 (WebKit) and 17 (Chromium) messages, over the 30 Hz bound, though the worklet kept it.
  const from = played.length;
  const playing = await during(n, 500);
  const window = played.slice(from);
  const audioSecs = (window.at(-1)! - window[0]!) / ctx.sampleRate;
  // It posts while playing (two at least, for a rate; a loaded Firefox delivered three in 500 ms).
  expect(window.length).toBeGreaterThanOrEqual(2);
  expect(window.length - 1).toBeLessThanOrEqual(Math.floor(30 * audioSecs) + 1);
  // The capture worklet posts on the same render quanta: as often, give or take the port's lag.
  expect(playing.tapLevels).toBeLessThanOrEqual(playing.playLevels! + 3);
  expect(playing.stats).toBeGreaterThan(0);
  // The second of audio has played out by the audio clock (it ran late on a loaded machine, and
  // 800 wall-clock ms were not enough once in Firefox), then a window of 500 ms stays silent.
  while (ctx.currentTime < sent + 1.3) await sleep(20);
  await expect
    .poll(() => during(n, 500), { timeout: 10_000 })
    .toEqual({ playLevels: 0, tapLevels: 0, stats: 0 });
});

/**
 * Microphone selection and loss in every engine. setInputDevice() moves capture to another device
 * without rebuilding the graph; a lost microphone (its track ends and it leaves the device list)
 * falls back to the default device once, and frames keep coming through the same worker port;
 * only a microphone that cannot be replaced is reported, and a failed switch leaks no stream.
 */
import { afterEach, expect, test } from 'vitest';
import { createWebAudioMedia, type WebAudioMedia } from '../../src/audio/index.ts';
import type { MediaEvent } from '../../src/core/media.ts';
import { createCapturePipe } from '../../src/worker/capture-pipe.ts';
import { recordStreams } from '../support/media-spy.ts';
import { workletUrls } from '../support/source-deps.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A started graph with its capture port read here, and what it emitted and opened. */
async function started() {
  const spy = recordStreams();
  cleanups.push(spy.restore);
  const media: WebAudioMedia = createWebAudioMedia({ workletUrls });
  cleanups.push(() => media.close());
  const events: MediaEvent[] = [];
  media.on((e) => events.push(e));
  const ports = await media.start();
  let frames = 0;
  const pipe = createCapturePipe(
    { port: ports.capture!.port, inputRate: ports.capture!.sampleRate },
    () => frames++,
    () => {},
  );
  cleanups.push(() => pipe.close());
  /** Resolves with how many frames came in while waiting for `n` more (up to 5 s). */
  const moreFrames = async (n: number) => {
    const from = frames;
    for (let i = 0; i < 200 && frames - from < n; i++) await sleep(25);
    return frames - from;
  };
  const deviceEvents = () => events.filter((e) => e.type === 'device');
  return { spy, media, events, deviceEvents, moreFrames };
}

/** Makes getUserMedia slower (a real device takes a while to open) until restored. */
function slowGetUserMedia(ms: number): () => void {
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia;
  md.getUserMedia = async (c) => {
    await sleep(ms);
    return gum.call(md, c);
  };
  return () => (md.getUserMedia = gum);
}

test('setInputDevice moves capture to another microphone in the same graph', async () => {
  const { spy, media, deviceEvents, moreFrames } = await started();
  const inputs = (await navigator.mediaDevices.enumerateDevices()).filter(
    (d) => d.kind === 'audioinput' && d.deviceId,
  );
  expect(inputs.length).toBeGreaterThan(0);
  const target = inputs.at(-1)!.deviceId;
  const context = media.context;
  await media.setInputDevice(target);
  expect(spy.asked[1]?.audio).toMatchObject({ deviceId: { exact: target } });
  const [before, after] = spy.streams.map((s) => s.getAudioTracks()[0]!);
  expect([before?.readyState, after?.readyState]).toEqual(['ended', 'live']);
  expect(deviceEvents()).toEqual([
    { type: 'device', kind: 'input', deviceId: expect.any(String), reason: 'selected' },
  ]);
  expect(media.context).toBe(context);
  expect(await moreFrames(25)).toBeGreaterThanOrEqual(25); // 0.5 s more through the same port
});

test('a lost microphone falls back to the default device once, however many signals say so', async () => {
  const { spy, events, deviceEvents, moreFrames } = await started();
  const track = spy.streams[0]!.getAudioTracks()[0]!;
  const lostId = track.getSettings().deviceId;
  const md = navigator.mediaDevices;
  const enumerate = md.enumerateDevices;
  md.enumerateDevices = async () => (await enumerate.call(md)).filter((d) => d.deviceId !== lostId);
  const restore = slowGetUserMedia(300);
  try {
    // An unplug: the track ends, and the device list changes without it.
    track.dispatchEvent(new Event('ended'));
    md.dispatchEvent(new Event('devicechange'));
    await sleep(150); // the device list was read while the replacement was still opening
    md.enumerateDevices = enumerate;
    for (let i = 0; i < 100 && deviceEvents().length === 0; i++) await sleep(25);
  } finally {
    md.enumerateDevices = enumerate;
    restore();
  }
  await sleep(700); // longer than a (slow) device open: a second switch would show by now
  expect(spy.streams).toHaveLength(2);
  expect(spy.asked[1]?.audio).not.toHaveProperty('deviceId'); // the default device
  expect(deviceEvents()).toEqual([
    { type: 'device', kind: 'input', deviceId: expect.any(String), reason: 'fallback' },
  ]);
  expect(events.some((e) => e.type === 'track-ended')).toBe(false);
  expect(spy.streams[1]!.getAudioTracks()[0]!.readyState).toBe('live');
  expect(await moreFrames(25)).toBeGreaterThanOrEqual(25);
});

test('a microphone that cannot be replaced is reported as track-ended', async () => {
  const { spy, events } = await started();
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia;
  md.getUserMedia = () => Promise.reject(new DOMException('no microphone', 'NotFoundError'));
  try {
    spy.streams[0]!.getAudioTracks()[0]!.dispatchEvent(new Event('ended'));
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'track-ended'); i++) await sleep(20);
  } finally {
    md.getUserMedia = gum;
  }
  expect(events).toContainEqual({ type: 'track-ended', kind: 'audio' });
  expect(events.some((e) => e.type === 'device')).toBe(false);
});

test('a switch that cannot join the graph stops its new stream and keeps the old microphone', async () => {
  const { spy, media, deviceEvents, moreFrames } = await started();
  const original = AudioContext.prototype.createMediaStreamSource;
  AudioContext.prototype.createMediaStreamSource = () => {
    throw new DOMException('different sample-rate', 'NotSupportedError');
  };
  try {
    await expect(media.setInputDevice(undefined)).rejects.toThrow('different sample-rate');
  } finally {
    AudioContext.prototype.createMediaStreamSource = original;
  }
  const [kept, refused] = spy.streams.map((s) => s.getAudioTracks()[0]!);
  expect([kept?.readyState, refused?.readyState]).toEqual(['live', 'ended']);
  expect(deviceEvents()).toEqual([]);
  expect(await moreFrames(25)).toBeGreaterThanOrEqual(25);
});

/**
 * Microphone path in a real engine: createWebAudioMedia → capture worklet → MessagePort →
 * capture pipe (run here in the page over the real channel) → 16 kHz, 20 ms base64 frames.
 * The fake mics differ per engine (docs/testing.md): Chromium plays the speech WAV, Firefox a
 * 1 kHz sine at 0.1, WebKit a 150 Hz hum at 0.1 with beeps.
 */
import { afterEach, describe, expect, test } from 'vitest';
import captureUrl from '../../worklets/capture.worklet.ts?worker&url';
import playbackUrl from '../../worklets/playback.worklet.ts?worker&url';
import audioUrl from '../../worklets/audio.worklet.ts?worker&url';
import { createWebAudioMedia, type WebAudioMedia } from '../../src/audio/index.ts';
import { createCapturePipe } from '../../src/worker/capture-pipe.ts';
import type { CaptureEvent, CaptureFrame } from '../../src/worker/pipes.ts';
import type { CaptureAudioMessage } from '../../worklets/messages.ts';
import { decodePcm16Base64 } from '../../src/dsp/index.ts';
import { LiveAgentError } from '../../src/core/errors.ts';
import { medianToneAmplitude, rms } from '../support/signal.ts';
import { recordStreams } from '../support/media-spy.ts';

const workletUrls = { capture: captureUrl, playback: playbackUrl };
const ua = navigator.userAgent;
const engine = ua.includes('Firefox') ? 'firefox' : ua.includes('Chrome') ? 'chromium' : 'webkit';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open: WebAudioMedia[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

/** What the capture worklet posted: each message's length and its end on the context's frame clock. */
interface Posted {
  length: number;
  endFrame: number;
}

/**
 * Captures `ms` of *audio* (ms / 20 frames), not `ms` of wall time: on a loaded machine an engine's
 * audio thread can start late or run slow. Gives up after a generous wall-clock cap.
 * The worklet's messages pass through a relay that records where each sits on the audio clock
 * (`endFrame`), so continuity is checked in the stream's own samples, not by arrival times.
 */
async function capture(ms: number, options: Parameters<typeof createWebAudioMedia>[0] = {}) {
  const media = createWebAudioMedia({ workletUrls, ...options });
  open.push(media);
  const ports = await media.start();
  const frames: CaptureFrame[] = [];
  const posted: Posted[] = [];
  const events: CaptureEvent[] = [];
  const cap = ports.capture!;
  // The pipe reads a stand-in port that this relay calls synchronously, so what `posted` holds is
  // exactly what the pipe has processed.
  const relay = { onmessage: null as ((e: MessageEvent) => void) | null, close() {} };
  cap.port.onmessage = (e: MessageEvent<CaptureAudioMessage>) => {
    if (e.data.type === 'audio')
      posted.push({ length: e.data.samples.length, endFrame: e.data.endFrame });
    relay.onmessage?.(e);
  };
  const pipe = createCapturePipe(
    { port: relay as unknown as MessagePort, inputRate: cap.sampleRate },
    (f) => frames.push(f),
    (e) => events.push(e),
  );
  for (let waited = 0; waited < ms * 4 + 5000 && frames.length < ms / 20; waited += 25)
    await sleep(25);
  cap.port.onmessage = null;
  pipe.close();
  return { media, ports, frames, posted, events, pipe };
}

function decodeAll(frames: CaptureFrame[]): Float32Array {
  const out = new Float32Array(frames.length * 320);
  frames.forEach((f, i) => out.set(decodePcm16Base64(f.data), i * 320));
  return out;
}

describe(`capture (${engine})`, () => {
  test('frames are 20 ms at 16 kHz (320 samples, 640 bytes) and continuous', async () => {
    const { frames, posted, ports } = await capture(2000);
    expect(ports.capture!.sampleRate).toBeGreaterThanOrEqual(16000);
    expect(new Set(frames.map((f) => f.samples))).toEqual(new Set([320]));
    expect(new Set(frames.map((f) => atob(f.data).length))).toEqual(new Set([640]));
    // Nothing dropped or invented, counted in the stream's own samples (the audio clock), not by
    // when frames arrived: a loaded page receives them late and in bursts. Every worklet message
    // starts where the previous one ended on the context's frame clock...
    expect(posted.length).toBeGreaterThan(50);
    const rate = ports.capture!.sampleRate;
    const breaks = posted.filter(
      (p, i) => i > 0 && p.endFrame - p.length !== posted[i - 1]!.endFrame,
    );
    expect(breaks).toEqual([]);
    // ...and holds at most two 128-frame quanta (the worklet's default batch): audio leaves the
    // audio thread as it is rendered, not bunched.
    expect(Math.max(...posted.map((p) => p.length))).toBeLessThanOrEqual(256);
    // The pipe turned all of it into 20 ms frames: every 16 kHz sample of the input span is in a
    // frame, less the resampler's delay and the partial frame still in the framer.
    const inSamples16k = (posted.reduce((n, p) => n + p.length, 0) * 16000) / rate;
    const outSamples = frames.length * 320;
    expect(outSamples).toBeLessThanOrEqual(inSamples16k);
    expect(inSamples16k - outSamples).toBeLessThan(320 + 64);
  });

  test('carries the fake microphone signal', async () => {
    const { frames, events, media } = await capture(
      engine === 'firefox' ? 1500 : engine === 'webkit' ? 2500 : 3200,
    );
    const pcm = decodeAll(frames.slice(5)); // first 10–30 ms are priming zeros
    expect(rms(pcm)).toBeGreaterThan(0.005); // a wrong WAV path would give exact zeros
    if (engine === 'firefox') {
      // Per 20 ms frame (whole cycles of every tone compared), median over the capture.
      const tone = (hz: number) => medianToneAmplitude(pcm, hz, 16000, 320);
      expect(tone(1000)).toBeGreaterThan(0.08);
      expect(tone(1000)).toBeLessThan(0.12);
      expect(rms(pcm)).toBeCloseTo(0.0707, 2);
    } else if (engine === 'webkit') {
      const tone = (hz: number) => medianToneAmplitude(pcm, hz, 16000, 320);
      expect(tone(150)).toBeGreaterThan(0.04);
      expect(tone(150)).toBeGreaterThan(5 * tone(400));
    } else {
      // Speech then silence: loud 20 ms frames (> −26 dBFS) and near-silent ones both occur, and
      // the local VAD sees the utterance start.
      const levels = frames.map((f) => f.rms);
      expect(levels.filter((r) => r > 0.05).length).toBeGreaterThan(10);
      expect(levels.filter((r) => r < 0.003).length).toBeGreaterThan(10);
      expect(events.find((e) => e.type === 'speech-start')).toBeDefined();
    }
    const { input } = media.getLevels();
    expect(input.peak).toBeGreaterThanOrEqual(input.rms);
  });

  test('input levels reach the main thread at ~30 Hz', async () => {
    const media = createWebAudioMedia({ workletUrls });
    open.push(media);
    await media.start();
    const ctx = media.context!;
    const seen = new Set<number>();
    // Poll every 25 ms until 1 s of audio has run (the audio clock: a busy machine may start the
    // audio thread late), and at least 40 times.
    const until = ctx.currentTime + 1;
    for (let i = 0; i < 400 && (i < 40 || ctx.currentTime < until); i++) {
      seen.add(media.getLevels().input.rms);
      await sleep(25);
    }
    // 1 s of audio at ~30 level messages a second: well over 15 distinct values.
    expect(seen.size).toBeGreaterThan(15);
    expect(Math.max(...seen)).toBeGreaterThan(0.001);
    if (engine === 'firefox') expect(media.getLevels().input.rms).toBeCloseTo(0.0707, 2);
  });

  test('the built layout: one module with both processors, given as both URLs, loads once', async () => {
    // As the built files do: live-agent-audio.worklet.js registers both processors.
    const media = createWebAudioMedia({ workletUrls: { capture: audioUrl, playback: audioUrl } });
    open.push(media);
    const ports = await media.start();
    expect(ports.capture).toBeDefined();
    expect(ports.playback).toBeDefined();
    for (let i = 0; i < 100 && media.getLevels().input.rms === 0; i++) await sleep(25);
    expect(media.getLevels().input.rms).toBeGreaterThan(0);
  });

  test('setMicEnabled(false) stops frames and zeroes the level; true resumes', async () => {
    const media = createWebAudioMedia({ workletUrls });
    open.push(media);
    const ports = await media.start();
    const frames: CaptureFrame[] = [];
    const pipe = createCapturePipe(
      { port: ports.capture!.port, inputRate: ports.capture!.sampleRate },
      (f) => frames.push(f),
      () => {},
    );
    for (let i = 0; i < 100 && frames.length < 20; i++) await sleep(25);
    media.setMicEnabled(false);
    // Let frames already in flight arrive (a loaded page delivers messages late): wait until none
    // has come for 200 ms. A mute that does not stop capture never gets there, and fails below.
    let atPause = frames.length;
    for (let quiet = 0, i = 0; i < 60 && quiet < 200; i++) {
      await sleep(50);
      quiet = frames.length === atPause ? quiet + 50 : 0;
      atPause = frames.length;
    }
    await sleep(500);
    expect(frames.length - atPause).toBe(0);
    expect(media.getLevels().input.rms).toBe(0);
    media.setMicEnabled(true);
    // Poll rather than sleep a fixed time: a loaded machine may deliver the first frames late.
    for (let i = 0; i < 60 && frames.length - atPause <= 15; i++) await sleep(50);
    expect(frames.length - atPause).toBeGreaterThan(15);
    // Levels come back with the audio (they are ignored only while muted).
    for (let i = 0; i < 40 && media.getLevels().input.rms === 0; i++) await sleep(50);
    expect(media.getLevels().input.rms).toBeGreaterThan(0);
    pipe.close();
  });

  test('an unknown deviceId fails with MediaError no-device', async () => {
    const media = createWebAudioMedia({ workletUrls, deviceId: 'no-such-device' });
    const error = await media.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveAgentError);
    expect((error as LiveAgentError).code).toBe('no-device');
  });

  test('unreachable worklet URLs fail with MediaError unsupported and release the mic', async () => {
    const streams = recordStreams();
    try {
      const media = createWebAudioMedia({
        workletUrls: { capture: '/nope/capture.js', playback: '/nope/playback.js' },
      });
      const error = await media.start().catch((e: unknown) => e);
      expect((error as LiveAgentError).code).toBe('unsupported');
      expect(streams.tracks().map((t) => t.readyState)).toEqual(['ended']);
    } finally {
      streams.restore();
    }
  });
});

/** Replaces the global AudioContext with a recording subclass (first one at `firstRate`). */
function recordContexts(firstRate?: number) {
  const Original = globalThis.AudioContext;
  const made: AudioContext[] = [];
  globalThis.AudioContext = class extends Original {
    constructor(options?: AudioContextOptions) {
      const forced =
        made.length === 0 && firstRate ? { ...options, sampleRate: firstRate } : options;
      super(forced);
      made.push(this);
    }
  };
  return {
    made,
    restore: () => {
      globalThis.AudioContext = Original;
    },
  };
}

describe(`lifecycle (${engine})`, () => {
  test('old-Firefox fallback: a different-sample-rate NotSupportedError → context at another rate, still 16 kHz 20 ms frames', async () => {
    const probe = new AudioContext();
    const defaultRate = probe.sampleRate;
    await probe.close();
    const forcedRate = defaultRate === 32000 ? 22050 : 32000;
    const original = AudioContext.prototype.createMediaStreamSource;
    AudioContext.prototype.createMediaStreamSource = function (this: AudioContext, s) {
      if (this.sampleRate !== defaultRate)
        throw new DOMException(
          'AudioContext.createMediaStreamSource: Connecting AudioNodes from AudioContexts with different sample-rate is currently not supported.',
          'NotSupportedError',
        );
      return original.call(this, s);
    };
    const contexts = recordContexts(forcedRate);
    try {
      const { frames, ports } = await capture(1200);
      expect(contexts.made[0]!.sampleRate).toBe(forcedRate);
      expect(contexts.made[0]!.state).toBe('closed');
      expect(ports.capture!.sampleRate).toBe(defaultRate);
      expect(ports.playback!.sampleRate).toBe(defaultRate);
      expect(new Set(frames.map((f) => f.samples))).toEqual(new Set([320]));
      expect(frames.length).toBeGreaterThanOrEqual(60); // 1.2 s of audio as 20 ms frames
    } finally {
      AudioContext.prototype.createMediaStreamSource = original;
      contexts.restore();
    }
  });

  test('30 start/close cycles leave no live track, open context or audio element', async () => {
    const streams = recordStreams();
    const contexts = recordContexts();
    try {
      for (let i = 0; i < 30; i++) {
        const media = createWebAudioMedia({ workletUrls });
        const ports = await media.start();
        expect(ports.capture!.sampleRate).toBe(contexts.made.at(-1)!.sampleRate);
        expect(document.querySelectorAll('audio').length).toBe(1);
        await media.close();
      }
      expect(streams.tracks()).toHaveLength(30);
      expect(streams.tracks().filter((t) => t.readyState !== 'ended')).toHaveLength(0);
      expect(contexts.made).toHaveLength(30);
      expect(contexts.made.filter((c) => c.state !== 'closed')).toHaveLength(0);
      expect(document.querySelectorAll('audio').length).toBe(0);
    } finally {
      streams.restore();
      contexts.restore();
    }
  }, 90_000);

  test('close() during start() rejects start with aborted and releases everything', async () => {
    const streams = recordStreams();
    try {
      const media = createWebAudioMedia({ workletUrls });
      const started = media.start().catch((e: unknown) => e);
      await sleep(0);
      await media.close();
      const result = await started;
      expect((result as LiveAgentError).code).toBe('aborted');
      await sleep(50);
      expect(streams.tracks().filter((t) => t.readyState !== 'ended')).toHaveLength(0);
      expect(document.querySelectorAll('audio').length).toBe(0);
    } finally {
      streams.restore();
    }
  });

  // pointerdown for a mouse; a touch grants user activation only on touchend (iOS first tap).
  for (const gesture of ['pointerdown', 'touchend'])
    test(`needsGesture: a context stuck suspended asks for a gesture; ${gesture} unlocks it`, async () => {
      const ctx = new AudioContext();
      await ctx.suspend();
      // Simulate WebKit's autoplay gate: resume() stays pending until a user gesture.
      const gate = Object.assign(ctx, { resume: () => new Promise<void>(() => {}) });
      const media = createWebAudioMedia({
        workletUrls,
        audioContext: gate,
        outputRoute: 'context',
      });
      open.push(media);
      const events: boolean[] = [];
      media.on((e) => {
        if (e.type === 'needs-gesture') events.push(e.needsGesture);
      });
      await media.start();
      expect(ctx.state).toBe('suspended');
      expect(media.needsGesture).toBe(true);
      expect(events).toEqual([true]);
      delete (ctx as { resume?: unknown }).resume; // the "gesture": resume works again
      document.dispatchEvent(new Event(gesture));
      for (let i = 0; i < 50 && media.needsGesture; i++) await sleep(20);
      expect(ctx.state).toBe('running');
      expect(media.needsGesture).toBe(false);
      expect(events).toEqual([true, false]);
      await media.close();
      expect(ctx.state).toBe('running'); // an injected context belongs to the app
      await ctx.close();
    });
});

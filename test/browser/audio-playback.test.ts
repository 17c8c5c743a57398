/**
 * Speaker path in a real engine: 24 kHz PCM16 base64 chunks → playback pipe (in the page, over a
 * real MessageChannel) → playback worklet → a tap (the capture worklet connected to its output),
 * so every rendered sample is checked: tone, dropouts, flush fade and late-chunk drops.
 */
import { afterEach, describe, expect, test } from 'vitest';
import captureUrl from '../../worklets/capture.worklet.ts?worker&url';
import playbackUrl from '../../worklets/playback.worklet.ts?worker&url';
import type { CaptureAudioMessage } from '../../worklets/messages.ts';
import { createWebAudioMedia, type WebAudioMedia } from '../../src/audio/index.ts';
import { createPlaybackPipe } from '../../src/worker/playback-pipe.ts';
import type { PlaybackEvent } from '../../src/worker/pipes.ts';
import { encodePcm16Base64 } from '../../src/dsp/index.ts';
import { toneAmplitude } from '../support/signal.ts';
import { playbackIntoTap } from '../support/worklet-rig.ts';

const ua = navigator.userAgent;
const engine = ua.includes('Firefox') ? 'firefox' : ua.includes('Chrome') ? 'chromium' : 'webkit';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** 24 kHz tone cut into `chunkMs` base64 PCM16 chunks (phase-continuous). */
function toneChunks(hz: number, ms: number, chunkMs = 40, amp = 0.5): string[] {
  const n = Math.round((ms * 24000) / 1000);
  const x = Float32Array.from(
    { length: n },
    (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / 24000),
  );
  const step = (chunkMs * 24000) / 1000;
  const out: string[] = [];
  for (let i = 0; i < n; i += step) out.push(encodePcm16Base64(x.subarray(i, i + step)));
  return out;
}

async function rig() {
  const { ctx, tap, toPlay } = await playbackIntoTap((close) => cleanups.push(close), {
    batchQuanta: 1,
  });
  const fromTap = new MessageChannel();
  tap.port.postMessage({ type: 'port', port: fromTap.port1 }, [fromTap.port1]);
  const blocks: Float32Array[] = [];
  fromTap.port2.onmessage = (e: MessageEvent<CaptureAudioMessage>) => {
    if (e.data.type === 'audio') blocks.push(e.data.samples);
  };
  const events: PlaybackEvent[] = [];
  const pipe = createPlaybackPipe({ port: toPlay.port2, outputRate: ctx.sampleRate }, (e) =>
    events.push(e),
  );
  cleanups.push(() => pipe.close());
  const tapped = () => {
    const out = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
    let o = 0;
    for (const b of blocks) out.set(b, (o += b.length) - b.length);
    return out;
  };
  return { ctx, pipe, events, tapped };
}

/** Resolves once the tap has shown signal followed by 200 ms of silence (or after 6 s). */
async function playedOut(tapped: () => Float32Array): Promise<void> {
  for (let waited = 0; waited < 6000; waited += 100) {
    await sleep(100);
    const x = tapped();
    const { last } = nonZero(x);
    if (last >= 0 && x.length - last > 0.2 * 44100 && waited > 300) return;
  }
}

const nonZero = (x: Float32Array) => {
  let first = -1;
  let last = -1;
  for (let i = 0; i < x.length; i++)
    if (x[i] !== 0) {
      if (first < 0) first = i;
      last = i;
    }
  return { first, last };
};

describe(`playback (${engine})`, () => {
  test('2 s of 24 kHz tone fed in bursts plays whole, on pitch, with 0 underruns', async () => {
    const { ctx, pipe, events, tapped } = await rig();
    const chunks = toneChunks(440, 2000);
    // Bursts faster than real time, as the service sends them: 400 ms of audio at once whenever
    // less than 1.2 s is queued ahead of the audio clock. Paced by the audio clock, not by timers:
    // here the pipe runs on the page (in the SDK, in the worker), and a loaded machine stalled
    // WebKit's page timers past a timer-paced lead once (a 0.77 s hole the test itself caused).
    const start = ctx.currentTime;
    for (let i = 0; i < chunks.length;) {
      const leadMs = i * 40 - (ctx.currentTime - start) * 1000;
      if (leadMs < 1200) {
        const at = now();
        for (const c of chunks.slice(i, i + 10)) pipe.push(c, 24000, at);
        i += 10;
      } else await sleep(50);
    }
    pipe.endTurn();
    // Firefox's mock audio clock runs up to ~10 % slow: wait for the audio, not for wall time.
    await playedOut(tapped);
    const x = tapped();
    const { first, last } = nonZero(x);
    const rate = ctx.sampleRate;
    // Every sample played: the span is 2 s at the context rate (± resampler edge, 2 ms).
    expect(Math.abs((last - first + 1) / rate - 2)).toBeLessThan(0.002);
    const body = x.subarray(first, last + 1);
    // No dropout inside: every 128-frame block of the tone region carries signal.
    for (let i = 128; i + 128 < body.length - 128; i += 128) {
      const peak = body.subarray(i, i + 128).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.3);
    }
    expect(toneAmplitude(body, 440, rate)).toBeCloseTo(0.5, 1);
    expect(toneAmplitude(body, 880, rate)).toBeLessThan(0.005);
    const first1 = events.find((e) => e.type === 'first-audio');
    expect(first1).toMatchObject({ type: 'first-audio', turnId: 1 });
    // Times are the benchmark's business (bench/audio.bench.ts); here only their order.
    if (first1?.type === 'first-audio') expect(first1.audibleAt).toBeGreaterThan(first1.receivedAt);
    const stats = events.filter((e) => e.type === 'playback');
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.every((s) => s.type === 'playback' && s.underruns === 0)).toBe(true);
  });

  test('interrupt: silent within a quantum + fade, late chunks never play, the next turn does', async () => {
    const { ctx, pipe, events, tapped } = await rig();
    const at = now();
    for (const c of toneChunks(440, 3000)) pipe.push(c, 24000, at);
    // Interrupt after ~400 ms of *audio* has played (the tap sees it), not 400 ms of wall time:
    // mock audio clocks run off real time and a busy machine delays timers.
    const rate = ctx.sampleRate;
    let heard = 0;
    for (let i = 0; i < 200 && heard < 0.4 * rate; i++) {
      await sleep(20);
      const seen = nonZero(tapped());
      heard = seen.first < 0 ? 0 : seen.last - seen.first;
    }
    const interruptedAt = now();
    pipe.interrupt(interruptedAt);
    // The server still sends a few chunks of the interrupted turn, then turnComplete.
    for (const c of toneChunks(440, 200)) pipe.push(c, 24000, now());
    await sleep(300);
    pipe.endTurn();
    const nextAt = now();
    for (const c of toneChunks(880, 300)) pipe.push(c, 24000, nextAt);
    pipe.endTurn();
    await playedOut(tapped);

    const silence = events.find((e) => e.type === 'interrupt-silence');
    expect(silence).toMatchObject({ turnId: 1, interruptedAt });
    if (silence?.type !== 'interrupt-silence') throw new Error('no interrupt-silence');
    expect(silence.silentAt).toBeGreaterThan(silence.interruptedAt);

    const x = tapped();
    const lateAndNext = x.subarray(0);
    // Locate the first turn's end: the first run of ≥ 1000 zeros after the tone started.
    const { first } = nonZero(lateAndNext);
    let end = first;
    let zeros = 0;
    for (let i = first; i < x.length && zeros < 1000; i++) {
      if (x[i] === 0) zeros++;
      else {
        zeros = 0;
        end = i;
      }
    }
    // At least what the tap had heard when we interrupted, and far from the whole 3 s: the rest was
    // flushed. How much more than `heard` played depends on how late the page got the tap's
    // messages and ran the interrupt (wall-clock lag, which a loaded machine stretches), so the
    // exact position is checked against the worklet's own report below, in samples.
    expect(end - first).toBeGreaterThanOrEqual(heard);
    expect((end - first) / rate).toBeLessThan(2.5);
    // What the worklet says was heard of the turn is what the tap heard before the fade.
    expect(Math.abs(silence.playedMs / 1000 - (end - first + 1 - 128) / rate)).toBeLessThan(0.006);
    // The fade: from the last sample above half amplitude to silence takes ≤ one quantum.
    let lastLoud = end;
    while (lastLoud > first && Math.abs(x[lastLoud]!) < 0.25) lastLoud--;
    expect(end - lastLoud).toBeLessThanOrEqual(128);
    // Then silence until the next turn: only 880 Hz plays after it, never the late 440 Hz chunks.
    // How long the silence lasts is the page's 300 ms sleep measured by the audio clock, which
    // a loaded machine or a slow mock clock shortens (Firefox once: 0.19 s); not a property of
    // the SDK. The late chunks leaking would show as 440 Hz or a second turn longer than 0.3 s.
    const rest = x.subarray(end + 1);
    const next = nonZero(rest);
    expect(next.first).toBeGreaterThan(0);
    const second = rest.subarray(next.first, next.last + 1);
    expect(Math.abs(second.length / rate - 0.3)).toBeLessThan(0.002);
    expect(toneAmplitude(second, 880, rate)).toBeCloseTo(0.5, 1);
    expect(toneAmplitude(second, 440, rate)).toBeLessThan(0.01);
    const starts = events.filter((e) => e.type === 'first-audio').map((e) => e.turnId);
    expect(starts).toEqual([1, 2]);
    const late = events.filter((e) => e.type === 'playback').map((e) => e.lateChunks);
    expect(Math.max(...late)).toBe(5);
  });
});

describe(`media output (${engine})`, () => {
  for (const outputRoute of ['element', 'context'] as const)
    test(`outputRoute '${outputRoute}': the graph renders model audio and reports output level`, async () => {
      const media: WebAudioMedia = createWebAudioMedia({
        workletUrls: { capture: captureUrl, playback: playbackUrl },
        outputRoute,
      });
      cleanups.push(() => media.close());
      const ports = await media.start();
      const audio = document.querySelectorAll('audio');
      expect(audio.length).toBe(outputRoute === 'element' ? 1 : 0);
      if (outputRoute === 'element') expect(audio[0]!.srcObject).toBeInstanceOf(MediaStream);
      const events: PlaybackEvent[] = [];
      const pipe = createPlaybackPipe(
        { port: ports.playback!.port, outputRate: ports.playback!.sampleRate },
        (e) => events.push(e),
      );
      cleanups.push(() => pipe.close());
      for (const c of toneChunks(440, 1500)) pipe.push(c, 24000, now());
      pipe.endTurn();
      // Poll for up to 5 s: a loaded machine may start the audio late; the tone lasts 1.5 s.
      let best = 0;
      for (let i = 0; i < 170 && (i < 30 || best <= 0.3); i++) {
        await sleep(30);
        best = Math.max(best, media.getLevels().output.rms);
      }
      // A 0.5 sine has RMS 0.354.
      expect(best).toBeGreaterThan(0.3);
      expect(best).toBeLessThan(0.4);
      expect(events.find((e) => e.type === 'first-audio')).toBeDefined();
      // The played position reaches the main thread with the levels: mid-turn, then the whole turn.
      const mid = media.getPlayback();
      expect(mid).toMatchObject({ audioTurnId: 1 });
      expect(mid.playedMs).toBeGreaterThan(0);
      for (let i = 0; i < 200 && media.getPlayback().playing; i++) await sleep(30);
      const done = media.getPlayback();
      expect(done.playing).toBe(false);
      expect(Math.abs(done.playedMs - 1500)).toBeLessThan(5);
      expect(done.bufferedMs).toBe(0);
      media.setVolume(0);
      expect(media.needsGesture).toBe(false);
    });
});

/**
 * Feature-detected browser APIs have working fallbacks in every engine: speaker selection
 * (`setSinkId`: Chromium, Firefox 116+, not WebKitGTK) and Apple's `voiceIsolation` constraint.
 * Whatever the engine lacks, start() succeeds and the graph still renders.
 */
import { afterEach, expect, test } from 'vitest';
import captureUrl from '../../worklets/capture.worklet.ts?worker&url';
import playbackUrl from '../../worklets/playback.worklet.ts?worker&url';
import { createWebAudioMedia, type WebAudioMedia } from '../../src/audio/index.ts';
import { recordStreams } from '../support/media-spy.ts';

const workletUrls = { capture: captureUrl, playback: playbackUrl };
const open: WebAudioMedia[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

test('setOutputDevice reports support honestly and never breaks the graph', async () => {
  const media = createWebAudioMedia({ workletUrls });
  open.push(media);
  const ports = await media.start();
  const supported = typeof HTMLMediaElement.prototype.setSinkId === 'function';
  // '' is the user agent's default output: valid wherever setSinkId exists.
  expect(await media.setOutputDevice('')).toBe(supported);
  expect(media.context!.state).not.toBe('closed');
  expect(ports.playback!.sampleRate).toBe(media.context!.sampleRate);
});

test('voiceIsolation is applied where supported and ignored elsewhere', async () => {
  const spy = recordStreams();
  const media = createWebAudioMedia({ workletUrls, voiceIsolation: true });
  open.push(media);
  const ports = await media.start().finally(spy.restore);
  expect(ports.capture!.sampleRate).toBeGreaterThanOrEqual(16000);
  const supported = !!(
    navigator.mediaDevices.getSupportedConstraints() as Record<string, boolean | undefined>
  ).voiceIsolation;
  const track = spy.streams[0]?.getAudioTracks()[0];
  expect(track?.readyState).toBe('live');
  if (!supported) expect('voiceIsolation' in (track?.getConstraints() ?? {})).toBe(false);
});

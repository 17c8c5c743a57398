/**
 * Video in the session: start/switch/stop without a reconnect, the browser ending a share, typed
 * failures that leave audio alone, compression on by default for sessions that can send video,
 * and the audio+video session limit once frames went out.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import { MediaError, SessionLimitError, type LiveAgentError } from '../../src/core/errors.ts';
import { SESSION_LIMIT_MS } from '../../src/core/reconnect.ts';
import { VIDEO_PRESETS } from '../../src/core/video.ts';
import type { LiveAgentOptions } from '../../src/core/types.ts';
import { FakeMedia, FakeTransport, FakeVideo } from '../../src/testing/index.ts';
import { record, ticks } from './core-helpers.ts';

afterEach(() => vi.useRealTimers());

function kit(options: Partial<LiveAgentOptions> = {}, withVideo = true) {
  const transport = new FakeTransport();
  const media = new FakeMedia();
  const video = withVideo ? new FakeVideo() : null;
  const session = new LiveAgentSession(
    { token: 'auth_tokens/fake', reconnect: { baseDelayMs: 10, maxDelayMs: 100 }, ...options },
    { transport, media, video },
  );
  return { session, transport, media, video: video as FakeVideo };
}

describe('session video', () => {
  it('starts, switches source on the same connection and stops, with `video` events', async () => {
    const { session, transport, video } = kit();
    const events = record(session, ['video']);
    await session.connect();
    await session.startVideo('camera', { deviceId: 'cam-2', facingMode: 'user' });
    expect(session.videoSource).toBe('camera');
    expect(transport.videoRuns[0]!.settings).toMatchObject({ maxSize: 768, fps: 1 });
    await session.startVideo('screen');
    expect(transport.videoRuns[1]!.settings.maxSize).toBe(VIDEO_PRESETS.screen.maxSize);
    session.stopVideo();
    expect(session.videoSource).toBeNull();
    expect(transport.opens).toHaveLength(1); // no reconnect for a switch
    expect(video.starts.map((s) => s.source)).toEqual(['camera', 'screen']);
    expect(video.starts[0]!.options).toMatchObject({ deviceId: 'cam-2', facingMode: 'user' });
    expect(events.map(([, e]) => e)).toEqual([
      { source: 'camera' },
      { source: 'screen' },
      { source: null, reason: 'stopped' },
    ]);
  });

  it('a share ended from the browser UI stops video with reason `ended`', async () => {
    const { session, video } = kit();
    const events = record(session, ['video']);
    await session.connect();
    await session.startVideo('screen');
    video.end();
    expect(session.videoSource).toBeNull();
    expect(events.at(-1)![1]).toEqual({ source: null, reason: 'ended' });
    expect(session.status).toBe('connected');
  });

  it('a source that ends (or whose worker fails) while being attached leaves video off', async () => {
    const { session, transport, video } = kit();
    const events = record(session, ['video']);
    await session.connect();
    const attach = transport.attachVideo.bind(transport);
    transport.attachVideo = (ports) => {
      video.end(); // its `ended` arrives before the session made it current
      return attach(ports);
    };
    await session.startVideo('camera');
    expect(session.videoSource).toBeNull();
    expect(events.map(([, e]) => e)).toEqual([{ source: null, reason: 'ended' }]);
    expect(session.status).toBe('connected');
  });

  it('stopVideo() while the source is being attached wins: video stays off', async () => {
    const { session, transport } = kit();
    const events = record(session, ['video']);
    await session.connect();
    const attach = transport.attachVideo.bind(transport);
    transport.attachVideo = (ports) => {
      session.stopVideo();
      return attach(ports);
    };
    const error = await session.startVideo('camera').catch((e: LiveAgentError) => e);
    expect((error as LiveAgentError).code).toBe('aborted');
    expect(session.videoSource).toBeNull();
    expect(events).toEqual([]);
  });

  it('a denied camera rejects with a MediaError; mic and connection are untouched', async () => {
    const { session, video, media } = kit();
    await session.connect();
    video.failNext = MediaError.videoDenied('camera');
    const error = await session.startVideo('camera').catch((e: LiveAgentError) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as LiveAgentError).code).toBe('video-denied');
    expect(session.status).toBe('connected');
    expect(session.getSnapshot().micEnabled).toBe(true);
    expect(media.closed).toBeFalsy();
  });

  it('without a video source or a transport that takes video, startVideo is `unsupported`', async () => {
    const none = kit({}, false);
    await expect(none.session.startVideo('camera')).rejects.toMatchObject({ code: 'unsupported' });
    const noCap = kit();
    noCap.transport.capabilities = { ...noCap.transport.capabilities, video: false };
    await expect(noCap.session.startVideo('camera')).rejects.toMatchObject({
      code: 'unsupported',
    });
  });

  it('disconnect stops video', async () => {
    const { session, video } = kit();
    const events = record(session, ['video']);
    await session.connect();
    await session.startVideo('camera');
    await session.disconnect();
    expect(video.source).toBeNull();
    expect(events.at(-1)![1]).toEqual({ source: null, reason: 'disconnected' });
  });
});

describe('video and the session limit', () => {
  it('sets sliding-window compression by default when video is possible; config wins; opt-out', async () => {
    const a = kit();
    await a.session.connect();
    expect(a.transport.opens[0]!.config.contextWindowCompression).toEqual({ slidingWindow: {} });
    const b = kit({ config: { contextWindowCompression: { triggerTokens: '1000' } } });
    await b.session.connect();
    expect(b.transport.opens[0]!.config.contextWindowCompression).toEqual({
      triggerTokens: '1000',
    });
    const c = kit({ videoCompression: false });
    await c.session.connect();
    expect(c.transport.opens[0]!.config.contextWindowCompression).toBeUndefined();
    const d = kit({}, false);
    await d.session.connect();
    expect(d.transport.opens[0]!.config.contextWindowCompression).toBeUndefined();
  });

  it('with video sent and compression opted out, a late close is the audio+video session-limit', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { session, transport } = kit({ videoCompression: false });
    const errors = record(session, ['error']);
    const connected = session.connect();
    await vi.advanceTimersByTimeAsync(0);
    await connected;
    await session.startVideo('camera');
    vi.setSystemTime(1_000_000 + SESSION_LIMIT_MS.video);
    transport.close(1011, 'Deadline expired before operation could complete.');
    await vi.advanceTimersByTimeAsync(0);
    await ticks();
    const [[, { error, fatal }]] = errors as [['error', { error: LiveAgentError; fatal: boolean }]];
    expect(error).toBeInstanceOf(SessionLimitError);
    expect(error.message).toContain('audio+video');
    expect(fatal).toBe(true);
  });

  it('the same close with default compression reconnects instead', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { session, transport } = kit();
    const connected = session.connect();
    await vi.advanceTimersByTimeAsync(0);
    await connected;
    await session.startVideo('camera');
    vi.setSystemTime(1_000_000 + SESSION_LIMIT_MS.video);
    transport.close(1011, 'Deadline expired before operation could complete.');
    await vi.advanceTimersByTimeAsync(200);
    expect(transport.opens.length).toBeGreaterThan(1);
    expect(session.status).toBe('connected');
  });
});

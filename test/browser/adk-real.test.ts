/**
 * The real-ADK lane: the browser SDK (worker transport, Web Audio, fake microphone) → google-adk's
 * own `adk api_server` (python/.venv, pinned) → its google-genai Live client → a TLS emulator.
 * Nothing is imitated but the model. Chromium only (the server start is heavy); it fails, never
 * skips, when python/.venv is missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import { adkDetails } from '../../src/transport/adk/codec.ts';
import { adkTicketEndpoint, createAdkTransport } from '../../src/transport/adk/transport.ts';
import { createWebVideo } from '../../src/video/index.ts';
import { sourceMedia, sourceVideoWorker, sourceWorker } from '../support/source-deps.ts';
import { movingScene } from '../support/video-scene.ts';
import { startRealAdk } from '../support/emulator-control.ts';

const chromium = /Chrome/.test(navigator.userAgent) && !/Edg/.test(navigator.userAgent);
let stop: (() => Promise<unknown>) | undefined;
let session: LiveAgentSession | undefined;
let scene: ReturnType<typeof movingScene> | undefined;
afterEach(async () => {
  scene?.stop();
  scene = undefined;
  session?.dispose();
  session = undefined;
  await stop?.();
  stop = undefined;
});

const finals = (s: LiveAgentSession, role: 'user' | 'model') =>
  s
    .getSnapshot()
    .transcript.filter((t) => t.role === role && t.final)
    .map((t) => t.text)
    .join(' ');

describe.runIf(chromium)('real google-adk api_server', () => {
  it(
    'connect, speak with the fake mic, hear the reply, both transcripts; a server tool shown',
    {
      timeout: 120_000,
    },
    async () => {
      const adk = await startRealAdk(location.origin);
      stop = adk.close;
      const transport = createAdkTransport({
        endpoint: adk.url,
        appName: 'concierge_app',
        userId: 'u1',
        worker: sourceWorker,
      });
      const s = new LiveAgentSession(
        { token: 'auth_tokens/adk-server-side', endpoint: adk.url },
        { transport, media: sourceMedia() },
      );
      session = s;
      const raws: Record<string, unknown>[] = [];
      s.on('message', (e) => raws.push(e.message as Record<string, unknown>));
      await s.connect();
      await expect.poll(() => finals(s, 'model'), { timeout: 40_000 }).toMatch(/I heard/);
      expect(finals(s, 'user').length).toBeGreaterThan(0);
      await expect.poll(() => s.getSnapshot().metrics.p50AudibleMs).not.toBeNull();
      expect(raws.some((r) => adkDetails(r).author === 'concierge')).toBe(true);
      s.setMicEnabled?.(false);
      s.sendText('what time is it? call get_time');
      await expect
        .poll(() => raws.flatMap((r) => adkDetails(r).tools.map((t) => `${t.kind}:${t.name}`)), {
          timeout: 30_000,
        })
        .toEqual(expect.arrayContaining(['call:get_time', 'result:get_time']));
    },
  );

  it(
    'the server tool and the agent transfer reach the snapshot and the events',
    { timeout: 120_000 },
    async () => {
      const adk = await startRealAdk(location.origin);
      stop = adk.close;
      const transport = createAdkTransport({
        endpoint: adk.url,
        appName: 'concierge_app',
        userId: 'u1',
        worker: sourceWorker,
      });
      const s = new LiveAgentSession(
        { token: 'auth_tokens/adk-server-side', endpoint: adk.url },
        { transport, media: null },
      );
      session = s;
      const agents: string[] = [];
      s.on('agent', (e) => agents.push(`${e.from}>${e.to}`));
      await s.connect();
      s.sendText('what time is it? call get_time');
      await expect
        .poll(() => s.getSnapshot().serverToolCalls.find((c) => c.name === 'get_time')?.response, {
          timeout: 30_000,
        })
        .toEqual({ time: expect.stringMatching(/^\d\d:\d\d$/) });
      expect(s.getSnapshot().serverToolCalls[0]).toMatchObject({ agent: 'concierge' });
      expect(s.getSnapshot().pendingToolCalls).toEqual([]);
      s.sendText('call transfer_to_agent {"agent_name": "clock_agent"}');
      await expect.poll(() => s.getSnapshot().agent, { timeout: 40_000 }).toBe('clock_agent');
      expect(agents).toEqual(['null>concierge', 'concierge>clock_agent']);
      expect(s.getSnapshot().serverToolCalls.map((c) => c.name)).toEqual([
        'get_time',
        'transfer_to_agent',
      ]);
    },
  );

  it('through protect_adk with a ticket provider', { timeout: 120_000 }, async () => {
    const adk = await startRealAdk(location.origin, true);
    stop = adk.close;
    const transport = createAdkTransport({
      endpoint: adk.url,
      appName: 'concierge_app',
      userId: 'u1',
      worker: sourceWorker,
      ticket: adkTicketEndpoint(`${adk.url}/live-agent/ticket`, {
        headers: { authorization: 'Bearer u1' },
      }),
    });
    const s = new LiveAgentSession(
      { token: 'auth_tokens/adk-server-side', endpoint: adk.url },
      { transport, media: null },
    );
    session = s;
    await s.connect();
    expect(transport.sessionId).toBeTruthy();
    s.sendText('hello there');
    await expect.poll(() => finals(s, 'model'), { timeout: 40_000 }).toMatch(/hello there/);
  });

  it('camera frames reach the model through ADK as JPEG blobs', { timeout: 120_000 }, async () => {
    const adk = await startRealAdk(location.origin);
    stop = adk.close;
    const transport = createAdkTransport({
      endpoint: adk.url,
      appName: 'concierge_app',
      userId: 'u1',
      worker: sourceWorker,
    });
    const video = createWebVideo({
      openTrack: () => Promise.resolve((scene = movingScene()).track),
      videoWorker: sourceVideoWorker,
    });
    const s = new LiveAgentSession(
      { token: 'auth_tokens/adk-server-side', endpoint: adk.url },
      { transport, media: null, video },
    );
    session = s;
    await s.connect();
    await s.startVideo('camera', { fps: 2 });
    await expect.poll(() => video.getStats().sent, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    s.sendText('what do you see?');
    // The emulator behind ADK's google-genai client describes the frames it received.
    await expect
      .poll(() => finals(s, 'model'), { timeout: 40_000 })
      .toMatch(/I have seen \d+ frames\. I see a 768×432 image\./);
  });
});

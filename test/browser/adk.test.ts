/**
 * The ADK transport in a real engine: the worker-hosted `/run_live` socket, the real Web Audio
 * graph with the fake microphone, against the emulator's ADK mode (session REST + `/run_live`
 * shaped like google-adk 2.13, bridged to a per-test emulator).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import type { LiveAgentError } from '../../src/core/errors.ts';
import { adkDetails } from '../../src/transport/adk/codec.ts';
import { createAdkTransport, type AdkTransport } from '../../src/transport/adk/transport.ts';
import { createWebVideo } from '../../src/video/index.ts';
import { sourceMedia, sourceVideoWorker, sourceWorker } from '../support/source-deps.ts';
import { movingScene } from '../support/video-scene.ts';
import { LiveAgentElement, type SessionDeps } from '../../src/element/element.ts';
import { agentFace } from '../../src/element/adk/face.ts';
import { callUi } from '../../src/element/call-ui.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

let emu: EmulatorControl | undefined;
let session: LiveAgentSession | undefined;
afterEach(async () => {
  session?.dispose();
  session = undefined;
  await emu?.close();
  emu = undefined;
});

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

async function setup(opts: { sessionId?: string; media?: boolean; video?: boolean } = {}) {
  emu = await startEmulator();
  const endpoint = await emu.adkUrl();
  const transport = createAdkTransport({
    endpoint,
    appName: 'echo_agent',
    userId: 'u1',
    worker: sourceWorker,
    ...(opts.sessionId && { sessionId: opts.sessionId }),
  });
  const s = new LiveAgentSession(
    { token: 'auth_tokens/adk-server-side', endpoint },
    {
      transport,
      media: opts.media === false ? null : sourceMedia(),
      video: opts.video
        ? createWebVideo({
            openTrack: () => {
              const scene = movingScene();
              stops.push(scene.stop);
              return Promise.resolve(scene.track);
            },
            videoWorker: sourceVideoWorker,
          })
        : null,
    },
  );
  session = s;
  const raws: Record<string, unknown>[] = [];
  const errors: LiveAgentError[] = [];
  s.on('message', (e) => raws.push(e.message as Record<string, unknown>));
  s.on('error', (e) => errors.push(e.error));
  return { s, transport: transport as AdkTransport, endpoint, raws, errors };
}

const finals = (s: LiveAgentSession, role: 'user' | 'model') =>
  s
    .getSnapshot()
    .transcript.filter((t) => t.role === role && t.final)
    .map((t) => t.text);

describe('ADK transport against the emulator ADK mode', () => {
  it('creates the session over REST, speaks with the fake mic, hears the reply, both transcripts', async () => {
    const { s, transport } = await setup();
    await s.connect();
    expect(s.status).toBe('connected');
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.capabilities).toMatchObject({ tools: false, pushToTalk: false, resumption: false });
    // The microphone's blobs reach the model through the ADK front in every engine.
    const live = await emu!.waitSession();
    await expect
      .poll(async () => (await live.info()).received, { timeout: 10_000 })
      .toBeGreaterThan(20);
    // Firefox's fake microphone is a steady tone that never falls silent, so the model's VAD
    // never ends the user's turn there: the spoken reply is checked where the fake mic is speech
    // with pauses (Chromium's WAV).
    if (!/Chrome/.test(navigator.userAgent)) return;
    await expect.poll(() => finals(s, 'model').join(' '), { timeout: 20_000 }).toMatch(/I heard/);
    expect(finals(s, 'user').join(' ').length).toBeGreaterThan(0);
    // The reply was played: the worker's playback pipe took ADK's URL-safe audio.
    await expect.poll(() => s.getSnapshot().metrics.p50AudibleMs).not.toBeNull();
  });

  it('text turn, server-side tool shown not executed, agent transfer read from events', async () => {
    const { s, raws } = await setup({ media: false });
    const agents: string[] = [];
    s.on('agent', (e) => agents.push(`${e.from}>${e.to}`));
    const tools: string[] = [];
    s.on('servertoolcall', (e) => tools.push(`call:${e.call.name}`));
    s.on('servertoolresult', (e) => tools.push(`result:${e.call.name}`));
    await s.connect();
    s.sendText('what time is it? call get_time');
    await expect
      .poll(() => tools, { timeout: 15_000 })
      .toEqual(['call:get_time', 'result:get_time']);
    expect(raws.flatMap((r) => adkDetails(r).tools.map((t) => `${t.kind}:${t.name}`))).toEqual(
      tools,
    );
    expect(s.getSnapshot().serverToolCalls[0]).toMatchObject({
      name: 'get_time',
      agent: 'concierge',
      response: { time: expect.stringMatching(/^\d\d:\d\d$/) },
    });
    // Shown, never executed: the session raised no client tool call.
    expect(s.getSnapshot().pendingToolCalls).toEqual([]);
    s.sendText('call transfer_to_agent {"agent_name": "clock_agent"}');
    await expect.poll(() => s.getSnapshot().agent, { timeout: 15_000 }).toBe('clock_agent');
    expect(agents).toEqual(['null>concierge', 'concierge>clock_agent']);
    // A long-running tool (ADK's LongRunningFunctionTool) is marked as such.
    s.sendText('call start_job');
    await expect
      .poll(() => s.getSnapshot().serverToolCalls.find((c) => c.name === 'start_job'), {
        timeout: 15_000,
      })
      .toMatchObject({ longRunning: true, agent: 'clock_agent', response: { status: 'pending' } });
  });

  it('<live-agent transport="adk"> shows the agent and a server tool line, as text', async () => {
    emu = await startEmulator();
    const endpoint = await emu.adkUrl();
    // The call-time parts (the log among them), as the element's entries set them.
    LiveAgentElement.callUi ??= callUi;
    class AdkAgent extends LiveAgentElement {
      protected override async createSessionDeps(): Promise<SessionDeps> {
        const transport = createAdkTransport({
          endpoint,
          appName: 'echo_agent',
          userId: 'u1',
          worker: sourceWorker,
        });
        return { transport, media: null, agentFace };
      }
    }
    if (!customElements.get('adk-live-agent')) customElements.define('adk-live-agent', AdkAgent);
    const el = document.createElement('adk-live-agent') as LiveAgentElement;
    for (const [k, v] of Object.entries({
      transport: 'adk',
      endpoint,
      'app-name': 'echo_agent',
      'user-id': 'u1',
    }))
      el.setAttribute(k, v);
    document.body.append(el);
    try {
      await el.connect();
      el.sendText('what time is it? call get_time');
      const root = el.shadowRoot!;
      await expect
        .poll(() => root.querySelector('[part="server-tool"]')?.textContent, { timeout: 15_000 })
        .toMatch(/^concierge ran get_time\(\) → \{"time":"\d\d:\d\d"\}$/);
      expect(root.querySelector<HTMLElement>('[part="agent"]')!.textContent).toBe(
        'Agent: concierge',
      );
      // The line sits after the user's turn, before the reply that used its result.
      await expect
        .poll(
          () =>
            [...root.querySelector('[part="transcript"]')!.children].map((c) =>
              c.getAttribute('part'),
            ),
          {
            timeout: 15_000,
          },
        )
        .toEqual(['turn turn-user', 'server-tool', 'turn turn-model']);
      el.sendText('call transfer_to_agent {"agent_name": "clock_agent"}');
      await expect
        .poll(() => root.querySelector<HTMLElement>('[part="agent"]')!.textContent, {
          timeout: 15_000,
        })
        .toBe('Agent: clock_agent');
      expect(
        [...root.querySelectorAll('[part="server-tool"]')].map((l) => l.textContent),
      ).toContain('concierge handed over to clock_agent');
    } finally {
      el.remove();
    }
  });

  it('an errorCode event is a non-fatal server-error; the socket stays open', async () => {
    const { s, errors } = await setup({ media: false });
    await s.connect();
    const fatal: boolean[] = [];
    s.on('error', (e) => fatal.push(e.fatal));
    s.sendText('adk error RESOURCE_EXHAUSTED');
    await expect
      .poll(() => errors.map((e) => e.code), { timeout: 15_000 })
      .toEqual(['server-error']);
    expect(errors[0]!.message).toContain('RESOURCE_EXHAUSTED: scripted by the emulator');
    expect([fatal, s.status]).toEqual([[false], 'connected']);
    s.sendText('hello there');
    await expect.poll(() => finals(s, 'model').join(' '), { timeout: 15_000 }).toMatch(/hello/);
  });

  it("barge-in: ADK's interrupted flushes the playing reply and marks the turn", async () => {
    const { s } = await setup({ media: true });
    await s.connect();
    s.setMicEnabled?.(false);
    const live = await emu!.waitSession();
    s.sendText('please read this long sentence back to me slowly, word by word, to the end');
    // The reply is under way (its caption streams with its audio).
    await expect
      .poll(() => s.getSnapshot().transcript.some((t) => t.role === 'model'), { timeout: 15_000 })
      .toBe(true);
    await live.interrupt();
    await expect
      .poll(() => s.getSnapshot().transcript.some((t) => t.role === 'model' && t.interrupted), {
        timeout: 10_000,
      })
      .toBe(true);
    await expect
      .poll(() => s.getSnapshot().metrics.last?.kind, { timeout: 10_000 })
      .toBe('interrupt');
  });

  it('reconnects after a dropped socket on a new socket with the same session id', async () => {
    const { s, transport } = await setup({ sessionId: 'kept-session', media: false });
    await s.connect();
    s.sendText('hello there');
    await expect.poll(() => finals(s, 'model').join(' '), { timeout: 15_000 }).toMatch(/hello/);
    const reconnecting = new Promise<void>((r) => {
      const off = s.on('reconnecting', () => (off(), r()));
    });
    // The emulator's Live session closes 1011: the ADK front closes /run_live with 1011.
    const live = await emu!.waitSession();
    await live.close(1011, 'model gone');
    await reconnecting;
    await expect.poll(() => s.status, { timeout: 15_000 }).toBe('connected');
    expect(transport.sessionId).toBe('kept-session');
    s.sendText('again');
    await expect.poll(() => finals(s, 'model').join(' '), { timeout: 15_000 }).toMatch(/again/);
  });

  it('camera frames reach the model as ADK JPEG blobs, ≤ 768 px, at the configured rate', async () => {
    const { s, errors } = await setup({ media: false, video: true });
    await s.connect();
    await s.startVideo('camera', { fps: 2 });
    const live = await emu!.waitSession();
    // A condition, not a rate (the bench times frames): a starved WebKit (load ~20) sent one
    // frame in the first 10 s once, the video worker starting cold from source.
    await expect
      .poll(async () => (await live.info()).videoFrames, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    // The ADK front turns only `{"blob":{"mime_type":"image/…","data":…}}` requests into
    // `realtimeInput.video`: frames here went over /run_live as ADK blobs.
    const info = await live.info();
    expect(info.lastVideo).toMatchObject({ mimeType: 'image/jpeg', width: 768, height: 432 });
    const frames = (await live.received()).filter((f) => f.message?.realtimeInput?.video);
    expect(frames[0]!.message!.realtimeInput.video.mimeType).toBe('image/jpeg');
    s.stopVideo();
    expect(s.videoSource).toBeNull();
    expect(s.status).toBe('connected');
    expect(errors).toEqual([]);
  });

  it('the ADK mode closes 1002 "Session not found" for an unknown session, as ADK does', async () => {
    const { s, endpoint } = await setup({ media: false });
    await s.connect();
    // The transport always creates its session first, so ask for one that never existed.
    const ws = new WebSocket(
      `${endpoint.replace('http', 'ws')}/run_live?app_name=echo_agent&user_id=u1&session_id=nope&modalities=AUDIO`,
    );
    const close = await new Promise<CloseEvent>((r) => (ws.onclose = r));
    expect([close.code, close.reason]).toEqual([1002, 'Session not found']);
  });
});

/**
 * live-agent/react over the testing fakes in happy-dom: StrictMode double mount, unmount cleanup,
 * latest-closure tool handlers, options applied on the next connect, render counts with levels
 * changing at ~60 Hz (the component is in react-component.test.ts).
 */
import { act, createElement as h, StrictMode, useEffect, useRef, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as react from '../../src/react/index.ts';
import {
  useLiveAgent,
  useLiveAgentLevels,
  type UseLiveAgentResult,
} from '../../src/react/index.ts';
import type { ToolDefinition } from '../../src/core/types.ts';
import { fakeFactory, openResources, talkWithChangingLevels, TOKEN, wait } from './adapter-kit.ts';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let root: Root | null = null;
let container: HTMLElement;

function mount(node: ReactNode): void {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root!.render(node));
}

/** Mounts a component that renders nothing; the getter returns its latest useLiveAgent result. */
function mountAgent(create: ReturnType<typeof fakeFactory>['create']): () => UseLiveAgentResult {
  let agent!: UseLiveAgentResult;
  function App() {
    agent = useLiveAgent({ token: TOKEN }, create);
    return null;
  }
  mount(h(App));
  return () => agent;
}

function rerender(node: ReactNode): void {
  act(() => root!.render(node));
}

async function settle(ms = 20): Promise<void> {
  await act(async () => {
    await wait(ms);
  });
}

afterEach(() => {
  if (root) act(() => root!.unmount());
  root = null;
  container?.remove();
});

it('exports exactly what the contract names', () => {
  expect(Object.keys(react).sort()).toEqual(
    ['LiveAgent', 'subscribeLevels', 'useLiveAgent', 'useLiveAgentLevels'].sort(),
  );
});

describe('useLiveAgent', () => {
  it('builds nothing during render or mount; connect() is explicit', async () => {
    const { built, create } = fakeFactory();
    let agent!: UseLiveAgentResult;
    function App() {
      agent = useLiveAgent({ token: TOKEN }, create);
      return h('p', null, agent.status);
    }
    mount(h(App));
    await settle();
    expect(built).toHaveLength(0);
    expect(container.textContent).toBe('idle');
    await act(() => agent.connect());
    expect(container.textContent).toBe('connected');
    expect(built).toHaveLength(1);
    expect(openResources(built)).toEqual({ sockets: 1, mics: 1 });
  });

  for (const cleanup of [false, true]) {
    it(`StrictMode: a mount-effect connect() ends with one socket and one mic${cleanup ? ' (effect cleanup disconnects)' : ''}`, async () => {
      const { built, create } = fakeFactory();
      const rejections: unknown[] = [];
      const onRejection = (e: PromiseRejectionEvent) => rejections.push(e.reason);
      window.addEventListener('unhandledrejection', onRejection);
      let mounts = 0;
      let peak = { sockets: 0, mics: 0 };
      const results: string[] = [];
      function App() {
        const agent = useLiveAgent({ token: TOKEN }, create);
        useEffect(() => {
          mounts++;
          agent.connect().then(
            () => results.push('resolved'),
            (e: unknown) => results.push(`rejected ${String(e)}`),
          );
          return cleanup ? () => void agent.disconnect() : undefined;
        }, [agent.connect, agent.disconnect]);
        const now = openResources(built);
        peak = {
          sockets: Math.max(peak.sockets, now.sockets),
          mics: Math.max(peak.mics, now.mics),
        };
        return h('p', null, agent.status);
      }
      mount(h(StrictMode, null, h(App)));
      await settle(50);
      window.removeEventListener('unhandledrejection', onRejection);
      expect(mounts).toBe(2); // StrictMode did run the effect twice
      expect(container.textContent).toBe('connected');
      expect(openResources(built)).toEqual({ sockets: 1, mics: 1 });
      expect(peak.sockets).toBeLessThanOrEqual(1);
      expect(built.reduce((n, b) => n + b.media.started, 0)).toBe(1);
      expect(built.reduce((n, b) => n + b.transport.connections.length, 0)).toBe(1);
      expect(results).toEqual(['resolved', 'resolved']);
      expect(rejections).toEqual([]);
    });
  }

  it('returns the agent-server fields: the answering agent and the tools it ran', async () => {
    const { built, create } = fakeFactory();
    let agent!: UseLiveAgentResult;
    function App() {
      agent = useLiveAgent({ token: TOKEN }, create);
      return h('p', null, `${agent.agent}:${agent.serverToolCalls.map((c) => c.name).join()}`);
    }
    mount(h(App));
    await act(() => agent.connect());
    expect(container.textContent).toBe('null:');
    act(() =>
      built[0]!.transport.serverSendEvents([
        { type: 'agent', name: 'concierge' },
        { type: 'serverToolCall', id: 'c1', name: 'get_time', args: {}, longRunning: false },
      ]),
    );
    expect(container.textContent).toBe('concierge:get_time');
  });

  it('unmount disconnects and disposes the session', async () => {
    const { built, create } = fakeFactory();
    const agent = mountAgent(create);
    await act(() => agent().connect());
    expect(openResources(built)).toEqual({ sockets: 1, mics: 1 });
    act(() => root!.unmount());
    root = null;
    await wait(20);
    expect(openResources(built)).toEqual({ sockets: 0, mics: 0 });
    expect(built[0]!.session.status).toBe('closed');
    expect(built[0]!.media.running).toBe(false);
  });

  it('an unmount during connect() resolves it quietly and leaves nothing open', async () => {
    const { built, create } = fakeFactory();
    const agent = mountAgent(create);
    const pending = agent().connect();
    act(() => root!.unmount());
    root = null;
    await expect(pending).resolves.toBeUndefined();
    await wait(20);
    expect(openResources(built)).toEqual({ sockets: 0, mics: 0 });
  });

  it('a connect() after unmount opens nothing (no session would be left to dispose it)', async () => {
    const { built, create } = fakeFactory();
    const agent = mountAgent(create);
    act(() => root!.unmount());
    root = null;
    await wait(5);
    await expect(agent().connect()).resolves.toBeUndefined();
    await wait(20);
    expect(built).toHaveLength(0);
  });

  it('reading agent.session during render builds it without a render-phase update warning', async () => {
    const { built, create } = fakeFactory();
    const errors = vi.spyOn(console, 'error');
    function App() {
      const agent = useLiveAgent({ token: TOKEN }, create);
      return h('p', null, `${agent.status}/${agent.session.status}`);
    }
    mount(h(App));
    await settle();
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    expect(built).toHaveLength(1);
    expect(openResources(built)).toEqual({ sockets: 0, mics: 0 });
    expect(container.textContent).toBe('idle/idle');
  });

  it('actions keep their identity across renders', async () => {
    const { create } = fakeFactory();
    const seen: UseLiveAgentResult[] = [];
    function App() {
      const agent = useLiveAgent({ token: TOKEN }, create);
      seen.push(agent);
      return null;
    }
    mount(h(App));
    await act(() => seen[0]!.connect());
    expect(seen.length).toBeGreaterThan(2);
    for (const key of [
      'connect',
      'disconnect',
      'sendText',
      'setMicEnabled',
      'startVideo',
      'stopVideo',
      'resumeAudio',
    ] as const)
      expect(new Set(seen.map((a) => a[key])).size, key).toBe(1);
    expect(new Set(seen.map((a) => a.session)).size).toBe(1);
  });

  it('startVideo/stopVideo drive the session video', async () => {
    const { built, create } = fakeFactory();
    const agent = mountAgent(create);
    await act(() => agent().connect());
    await act(() => agent().startVideo('screen', { fps: 0.5 }));
    expect(built[0]!.video.starts).toEqual([{ source: 'screen', options: { fps: 0.5 } }]);
    expect(agent().session.videoSource).toBe('screen');
    act(() => agent().stopVideo());
    expect(agent().session.videoSource).toBeNull();
  });

  it('tool handlers always see the latest render closure', async () => {
    const { built, create } = fakeFactory();
    let agent!: UseLiveAgentResult;
    function App({ answer }: { answer: string }) {
      const tools: ToolDefinition[] = [{ name: 'lookup', handler: () => answer }];
      agent = useLiveAgent({ token: TOKEN, tools }, create);
      return null;
    }
    mount(h(App, { answer: 'first' }));
    await act(() => agent.connect());
    rerender(h(App, { answer: 'second' }));
    const { transport } = built[0]!;
    await act(async () => {
      transport.serverSend({
        toolCall: { functionCalls: [{ id: 'c1', name: 'lookup', args: {} }] },
      });
      await wait(10);
    });
    expect(JSON.stringify(transport.sent)).toContain('"output":"second"');
    expect(built).toHaveLength(1); // a new handler closure alone does not rebuild the session
  });

  it('a changed model or config applies on the next connect', async () => {
    const { built, create } = fakeFactory();
    let agent!: UseLiveAgentResult;
    function App({ model }: { model: string }) {
      agent = useLiveAgent({ token: TOKEN, model, config: { temperature: 0.5 } }, create);
      return null;
    }
    mount(h(App, { model: 'model-a' }));
    await act(() => agent.connect());
    rerender(h(App, { model: 'model-b' }));
    expect(built[0]!.transport.opens.map((o) => o.model)).toEqual(['model-a']);
    await act(() => agent.disconnect());
    await act(() => agent.connect());
    expect(built).toHaveLength(2);
    expect(built[1]!.transport.opens[0]!.model).toContain('model-b');
    expect(openResources(built)).toEqual({ sockets: 1, mics: 1 });
    // Same options (a new but equal config object each render): the session is kept.
    rerender(h(App, { model: 'model-b' }));
    await act(() => agent.disconnect());
    await act(() => agent.connect());
    expect(built).toHaveLength(2);
  });

  it('a transcript component renders at most once per transcript change while levels run at ~60 Hz', async () => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
    try {
      const { built, create } = fakeFactory();
      let agent!: UseLiveAgentResult;
      let transcriptRenders = 0;
      let meterRenders = 0;
      function Meter({ source }: { source: UseLiveAgentResult }) {
        const { input, output } = useLiveAgentLevels(source);
        meterRenders++;
        return h('meter', { value: input + output });
      }
      function App() {
        agent = useLiveAgent({ token: TOKEN }, create);
        transcriptRenders++;
        const meter = useRef<ReactNode>(null);
        meter.current ??= h(Meter, { source: agent });
        return h(
          'div',
          null,
          meter.current,
          ...agent.transcript.map((t) => h('p', { key: t.id }, t.text)),
        );
      }
      root = createRoot((container = document.body.appendChild(document.createElement('div'))));
      root.render(h(App));
      await wait(20);
      await agent.connect();
      await wait(20);
      const rendersBefore = transcriptRenders;
      const meterBefore = meterRenders;
      const { levelChanges, transcriptChanges } = await talkWithChangingLevels(built[0]!);
      const renders = transcriptRenders - rendersBefore;
      const meter = meterRenders - meterBefore;
      console.info(
        `render counts: transcript ${renders} for ${transcriptChanges} transcript changes; meter ${meter} for ${levelChanges} level changes`,
      );
      expect(transcriptChanges).toBe(10);
      expect(renders).toBeLessThanOrEqual(transcriptChanges);
      expect(levelChanges).toBeGreaterThan(30);
      expect(meter).toBeGreaterThan(20); // the levels did reach the meter, frame after frame
      expect(container.textContent).toContain('word9');
    } finally {
      (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    }
  });
});

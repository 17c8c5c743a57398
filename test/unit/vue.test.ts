/**
 * live-agent/vue over the testing fakes in happy-dom: refs from the snapshot, lazy session,
 * scope-dispose cleanup, handlers and options read at call/connect time, render counts with
 * levels at ~60 Hz, and the `LiveAgent` component's attributes, properties and emits.
 */
import {
  createApp,
  defineComponent,
  effectScope,
  h,
  nextTick,
  ref,
  type App,
  type PropType,
} from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as vue from '../../src/vue/index.ts';
import {
  LiveAgent,
  useLiveAgent,
  useLiveAgentLevels,
  type UseLiveAgentReturn,
} from '../../src/vue/index.ts';
import type { LiveAgentElement } from '../../src/element/index.ts';
import { LiveAgentEvent } from '../../src/element/index.ts';
import type { ToolDefinition } from '../../src/core/types.ts';
import {
  expectOneOpenWithLookupTool,
  fakeFactory,
  openResources,
  talkWithChangingLevels,
  TOKEN,
  wait,
  withFakeElementDeps,
} from './adapter-kit.ts';

let app: App | null = null;
let container: HTMLElement;

function mount(
  component: ReturnType<typeof defineComponent>,
  props: Record<string, unknown> = {},
): void {
  container = document.body.appendChild(document.createElement('div'));
  app = createApp(component, props);
  app.mount(container);
}

afterEach(() => {
  app?.unmount();
  app = null;
  container?.remove();
});

it('exports exactly what the contract names', () => {
  expect(Object.keys(vue).sort()).toEqual(
    ['LiveAgent', 'subscribeLevels', 'useLiveAgent', 'useLiveAgentLevels'].sort(),
  );
});

describe('useLiveAgent (Vue)', () => {
  it('readonly refs follow the snapshot; nothing is built before connect()', async () => {
    const { built, create } = fakeFactory();
    let agent!: UseLiveAgentReturn;
    mount(
      defineComponent({
        setup() {
          agent = useLiveAgent({ token: TOKEN }, create);
          return () =>
            h('p', `${agent.status.value}:${agent.transcript.value.map((t) => t.text).join('')}`);
        },
      }),
    );
    expect(built).toHaveLength(0);
    expect(container.textContent).toBe('idle:');
    await agent.connect();
    agent.sendText('hi there');
    await nextTick();
    expect(container.textContent).toBe('connected:hi there');
    expect(agent.micEnabled.value).toBe(true);
    // Readonly: writing .value is refused (Vue warns) and changes nothing.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    (agent.status as { value: string }).value = 'closed';
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
    expect(agent.status.value).toBe('connected');
    expect(openResources(built)).toEqual({ sockets: 1, mics: 1 });
  });

  it('agent and serverToolCalls are readonly refs too', async () => {
    const { built, create } = fakeFactory();
    const scope = effectScope();
    const agent = scope.run(() => useLiveAgent({ token: TOKEN }, create))!;
    await agent.connect();
    expect([agent.agent.value, agent.serverToolCalls.value]).toEqual([null, []]);
    built[0]!.transport.serverSendEvents([
      { type: 'agent', name: 'clock_agent' },
      { type: 'serverToolResult', id: 'c1', name: 'get_time', response: { time: '10:00' } },
    ]);
    await nextTick();
    expect(agent.agent.value).toBe('clock_agent');
    expect(agent.serverToolCalls.value.map((c) => c.response)).toEqual([{ time: '10:00' }]);
    scope.stop();
  });

  it('startVideo/stopVideo drive the session video with stable identities', async () => {
    const { built, create } = fakeFactory();
    const scope = effectScope();
    const agent = scope.run(() => useLiveAgent({ token: TOKEN }, create))!;
    const { startVideo, stopVideo } = agent;
    await agent.connect();
    await startVideo('camera', { facingMode: 'environment' });
    expect(built[0]!.video.starts).toEqual([
      { source: 'camera', options: { facingMode: 'environment' } },
    ]);
    expect(agent.startVideo).toBe(startVideo);
    stopVideo();
    expect(agent.session.videoSource).toBeNull();
    scope.stop();
  });

  it('scope dispose disconnects and disposes the session', async () => {
    const { built, create } = fakeFactory();
    const scope = effectScope();
    const agent = scope.run(() => useLiveAgent({ token: TOKEN }, create))!;
    await agent.connect();
    expect(openResources(built)).toEqual({ sockets: 1, mics: 1 });
    scope.stop();
    await wait(20);
    expect(openResources(built)).toEqual({ sockets: 0, mics: 0 });
    expect(built[0]!.session.status).toBe('closed');
  });

  it('tools and options come from a getter: latest handler, model on the next connect', async () => {
    const { built, create } = fakeFactory();
    const answer = ref('first');
    const model = ref('model-a');
    const scope = effectScope();
    const agent = scope.run(() =>
      useLiveAgent(
        () => ({
          token: TOKEN,
          model: model.value,
          tools: [{ name: 'lookup', handler: () => answer.value }] as ToolDefinition[],
        }),
        create,
      ),
    )!;
    await agent.connect();
    answer.value = 'second';
    model.value = 'model-b';
    const { transport } = built[0]!;
    transport.serverSend({ toolCall: { functionCalls: [{ id: 'c1', name: 'lookup', args: {} }] } });
    await wait(10);
    expect(JSON.stringify(transport.sent)).toContain('"output":"second"');
    expect(transport.opens.map((o) => o.model)).toEqual(['model-a']);
    await agent.disconnect();
    await agent.connect();
    expect(built[1]!.transport.opens[0]!.model).toContain('model-b');
    expect(openResources(built)).toEqual({ sockets: 1, mics: 1 });
    scope.stop();
  });

  it('a transcript component renders at most once per transcript change while levels run at ~60 Hz', async () => {
    const { built, create } = fakeFactory();
    let agent!: UseLiveAgentReturn;
    let transcriptRenders = 0;
    let meterRenders = 0;
    const Meter = defineComponent({
      props: { source: { type: Object as PropType<UseLiveAgentReturn>, required: true } },
      setup(props) {
        const { input, output } = useLiveAgentLevels(() => props.source);
        return () => {
          meterRenders++;
          return h('meter', { value: input.value + output.value });
        };
      },
    });
    mount(
      defineComponent({
        setup() {
          agent = useLiveAgent({ token: TOKEN }, create);
          return () => {
            transcriptRenders++;
            return h('div', [
              h(Meter, { source: agent }),
              ...agent.transcript.value.map((t) => h('p', { key: t.id }, t.text)),
            ]);
          };
        },
      }),
    );
    await agent.connect();
    await wait(20);
    const rendersBefore = transcriptRenders;
    const meterBefore = meterRenders;
    const { levelChanges, transcriptChanges } = await talkWithChangingLevels(built[0]!);
    const renders = transcriptRenders - rendersBefore;
    const meter = meterRenders - meterBefore;
    console.info(
      `render counts (vue): transcript ${renders} for ${transcriptChanges} transcript changes; meter ${meter} for ${levelChanges} level changes`,
    );
    expect(transcriptChanges).toBe(10);
    expect(renders).toBeLessThanOrEqual(transcriptChanges);
    expect(levelChanges).toBeGreaterThan(30);
    expect(meter).toBeGreaterThan(20);
    expect(container.textContent).toContain('word9');
  });
});

describe('LiveAgent (Vue component)', () => {
  it('renders <live-agent> with attributes, sets properties, emits payloads, exposes the element', async () => {
    const statuses: string[] = [];
    const comp = ref<{ element: LiveAgentElement | null } | null>(null);
    const tools: ToolDefinition[] = [{ name: 'lookup', handler: () => 1 }];
    mount(
      defineComponent({
        setup() {
          return () =>
            h(LiveAgent, {
              ref: comp,
              tokenUrl: '/api/live-token',
              model: 'm',
              metrics: true,
              tools,
              onStatus: (detail: { status: string }) => statuses.push(detail.status),
            });
        },
      }),
    );
    const el = container.querySelector('live-agent')!;
    expect(el.getAttribute('token-url')).toBe('/api/live-token');
    expect(el.getAttribute('model')).toBe('m');
    expect(el.hasAttribute('metrics')).toBe(true);
    expect(el.hasAttribute('auto-connect')).toBe(false);
    await customElements.whenDefined('live-agent');
    await wait(10);
    expect(comp.value!.element).toBe(el);
    expect((el as LiveAgentElement).tools.map((t) => t.name)).toEqual(['lookup']);
    el.dispatchEvent(
      new LiveAgentEvent('status', { status: 'connecting', previous: 'idle' } as never),
    );
    expect(statuses).toEqual(['connecting']);
  });
});

describe('LiveAgent (Vue) autoConnect', () => {
  it('connects once defined, with its tools and token already set on the element', async () => {
    await withFakeElementDeps(async (transport) => {
      const statuses: string[] = [];
      mount(
        defineComponent({
          setup: () => () =>
            h(LiveAgent, {
              autoConnect: true,
              token: 'auth_tokens/fake-token',
              tools: [{ name: 'lookup', description: 'Looks up', handler: () => 1 }],
              onStatus: (detail: { status: string }) => statuses.push(detail.status),
            }),
        }),
      );
      expect(container.querySelector('live-agent')!.hasAttribute('auto-connect')).toBe(false);
      await wait(30);
      expectOneOpenWithLookupTool(transport, statuses);
    });
  });
});

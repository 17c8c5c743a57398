/** `<LiveAgent>` from live-agent/react in happy-dom: attributes, properties, on* payloads, ref. */
import { act, createElement as h } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LiveAgent } from '../../src/react/index.ts';
import type { LiveAgentElement } from '../../src/element/index.ts';
import { LiveAgentEvent } from '../../src/element/index.ts';
import type { ToolDefinition } from '../../src/core/types.ts';
import { expectOneOpenWithLookupTool, wait, withFakeElementDeps } from './adapter-kit.ts';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let root: Root | null = null;
let container: HTMLElement;

function mount(node: Parameters<Root['render']>[0]): void {
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
  act(() => root!.render(node));
}

afterEach(() => {
  if (root) act(() => root!.unmount());
  root = null;
  container?.remove();
});

describe('<LiveAgent>', () => {
  it('renders <live-agent> with attributes, sets properties, calls on* with payloads, ref is the element', async () => {
    const ref: { current: LiveAgentElement | null } = { current: null };
    const statuses: string[] = [];
    const tools: ToolDefinition[] = [{ name: 'lookup', handler: () => 1 }];
    mount(
      h(LiveAgent, {
        ref,
        tokenUrl: '/api/live-token',
        model: 'm',
        autoConnect: false,
        metrics: true,
        className: 'agent',
        tools,
        onStatus: (detail) => statuses.push(detail.status),
      }),
    );
    const el = container.querySelector('live-agent')!;
    expect(el.getAttribute('token-url')).toBe('/api/live-token');
    expect(el.getAttribute('model')).toBe('m');
    expect(el.hasAttribute('metrics')).toBe(true);
    expect(el.hasAttribute('auto-connect')).toBe(false);
    expect(el.className).toBe('agent');
    await act(async () => {
      await customElements.whenDefined('live-agent');
      await wait(10);
    });
    expect(ref.current).toBe(el);
    expect(ref.current!.tools.map((t) => t.name)).toEqual(['lookup']);
    el.dispatchEvent(
      new LiveAgentEvent('status', {
        status: 'connecting',
        previous: 'idle',
      } as never),
    );
    expect(statuses).toEqual(['connecting']);
  });
});

describe('<LiveAgent autoConnect>', () => {
  it('connects once defined, with its tools and token already set on the element', async () => {
    await withFakeElementDeps(async (transport) => {
      const statuses: string[] = [];
      mount(
        h(LiveAgent, {
          autoConnect: true,
          token: 'auth_tokens/fake-token',
          tools: [{ name: 'lookup', description: 'Looks up', handler: () => 1 }],
          onStatus: (detail) => statuses.push(detail.status),
        }),
      );
      expect(container.querySelector('live-agent')!.hasAttribute('auto-connect')).toBe(false);
      await act(async () => {
        await wait(30);
      });
      expectOneOpenWithLookupTool(transport, statuses);
    });
  });
});

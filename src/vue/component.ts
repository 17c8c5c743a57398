/**
 * `LiveAgent` for Vue: the `<live-agent>` element with camelCase props for its attributes,
 * `tools`/`token`/`config` set as properties once it is defined, and one typed emit per session
 * event (`@status`, `@transcript`, …, with the session's payload). Exposes `element`.
 */
import { defineComponent, h, onBeforeUnmount, onMounted, shallowRef, watch } from 'vue';
import type { PropType } from 'vue';
import type { LiveAgentEventMap, LiveAgentEventType } from '../core/events.ts';
import type { LiveConfig } from '../core/transport.ts';
import type { TokenSource, ToolDefinition } from '../core/types.ts';
import type { LiveAgentElement } from '../element/element.ts';
import type { LiveAgentEvent } from '../element/events.ts';
import {
  applyProperties,
  defineElement,
  elementAttributes,
  EVENT_PROPS,
} from '../frameworks/element-props.ts';

type Emits = { [K in LiveAgentEventType]: (detail: LiveAgentEventMap[K]) => true };

// Runtime validators are optional (null); the types above give `@status` etc. their payloads.
const emits = Object.fromEntries(EVENT_PROPS.map(([key]) => [key, null])) as unknown as Emits;

/** The `<live-agent>` element as a Vue component. */
export const LiveAgent = defineComponent({
  name: 'LiveAgent',
  props: {
    tokenUrl: String,
    endpoint: String,
    model: String,
    voice: String,
    language: String,
    mode: String as PropType<'vad' | 'push-to-talk'>,
    instructions: String,
    microphone: String as PropType<'on' | 'off'>,
    assetBase: String,
    metrics: Boolean,
    autoConnect: Boolean,
    tools: Array as PropType<ToolDefinition[]>,
    token: [String, Function, Object] as PropType<TokenSource>,
    config: Object as PropType<LiveConfig>,
  },
  emits,
  setup(props, { emit, expose, slots }) {
    const element = shallowRef<LiveAgentElement | null>(null);
    expose({ element });
    const offs: (() => void)[] = [];
    onMounted(() => {
      const node = element.value!;
      for (const [key] of EVENT_PROPS) {
        const listener = (event: Event) =>
          (emit as (name: string, detail: unknown) => void)(key, (event as LiveAgentEvent).detail);
        node.addEventListener(`live-agent-${key}`, listener);
        offs.push(() => node.removeEventListener(`live-agent-${key}`, listener));
      }
      // Properties only after the upgrade: set earlier they would shadow the element's accessors.
      void defineElement().then(() => {
        if (element.value !== node) return;
        // Made after setup, so it is not stopped with the component: unmount stops it.
        let first = true;
        const stop = watch(
          () => [props.tools, props.token, props.config] as const,
          ([tools, token, config]) => {
            applyProperties(node, { tools, token, config, autoConnect: props.autoConnect }, first);
            first = false;
          },
          { immediate: true },
        );
        offs.push(stop);
      });
    });
    onBeforeUnmount(() => offs.splice(0).forEach((off) => off()));
    return () => h('live-agent', { ref: element, ...elementAttributes(props) }, slots.default?.());
  },
});

/**
 * `<LiveAgent>`: the `<live-agent>` element as a React component. Attributes come from camelCase
 * props, `tools`/`token`/`config` are set as properties once the element is defined, and the
 * element's `live-agent-*` events call `on*` props with the session's payload.
 */
import {
  createElement,
  forwardRef,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import type { LiveAgentEventMap, LiveAgentEventType } from '../core/events.ts';
import type { LiveConfig } from '../core/transport.ts';
import type { TokenSource, ToolDefinition } from '../core/types.ts';
import type { LiveAgentElement } from '../element/element.ts';
import type { LiveAgentEvent } from '../element/events.ts';
import {
  applyProperties,
  ATTRIBUTE_PROPS,
  defineElement,
  elementAttributes,
  EVENT_PROPS,
  type EventPropName,
  type LiveAgentAttributeProps,
} from '../frameworks/element-props.ts';

/** `onStatus`, `onTranscript`, … : the session's payload, then the DOM event. */
export type LiveAgentEventProps = {
  [K in LiveAgentEventType as EventPropName<K>]?: (
    detail: LiveAgentEventMap[K],
    event: LiveAgentEvent<K>,
  ) => void;
};

/** Props of `<LiveAgent>`. */
export interface LiveAgentProps
  extends
    LiveAgentAttributeProps,
    LiveAgentEventProps,
    Omit<HTMLAttributes<HTMLElement>, keyof LiveAgentEventProps | 'children'> {
  /** Function tools the model may call. */
  tools?: ToolDefinition[];
  /** Token source used instead of `tokenUrl`. */
  token?: TokenSource;
  /** Extra `LiveConnectConfig` (voice/language/instructions props win). */
  config?: LiveConfig;
  children?: ReactNode;
}

const OWN = new Set<string>([
  ...ATTRIBUTE_PROPS,
  ...EVENT_PROPS.map(([, name]) => name),
  'tools',
  'token',
  'config',
]);

/** The `<live-agent>` element; `ref` is the element itself (React 18 and 19). */
export const LiveAgent = forwardRef<LiveAgentElement, LiveAgentProps>(
  function LiveAgent(props, ref) {
    const element = useRef<LiveAgentElement>(null);
    const latest = useRef(props);
    const [defined, setDefined] = useState(false);
    useImperativeHandle(ref, () => element.current!, []);
    useEffect(() => {
      latest.current = props;
    });
    useEffect(() => {
      let live = true;
      void defineElement().then(() => live && setDefined(true));
      return () => {
        live = false;
      };
    }, []);
    // Listeners go on at mount (events reach the element object before and after its upgrade).
    useEffect(() => {
      const node = element.current!;
      const offs = EVENT_PROPS.map(([key, name]) => {
        const listener = (event: Event) => {
          const handler = (latest.current as Record<string, unknown>)[name];
          if (typeof handler === 'function') handler((event as LiveAgentEvent).detail, event);
        };
        node.addEventListener(`live-agent-${key}`, listener);
        return () => node.removeEventListener(`live-agent-${key}`, listener);
      });
      return () => offs.forEach((off) => off());
    }, []);
    // Properties only after the upgrade: set earlier they would shadow the element's accessors.
    const { tools, token, config } = props;
    const applied = useRef(false);
    useEffect(() => {
      const node = element.current;
      if (!defined || !node) return;
      applyProperties(
        node,
        { tools, token, config, autoConnect: latest.current.autoConnect },
        !applied.current,
      );
      applied.current = true;
    }, [defined, tools, token, config]);

    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) if (!OWN.has(key)) rest[key] = value;
    return createElement('live-agent', { ...rest, ...elementAttributes(props), ref: element });
  },
);

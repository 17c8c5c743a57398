/**
 * What the React and Vue components share about `<live-agent>`: its attributes as camelCase
 * props, and loading the element only in the browser (defining it touches `HTMLElement`, which
 * does not exist while server rendering).
 */
import { LIVE_AGENT_EVENT_TYPES, type LiveAgentEventType } from '../core/events.ts';
import type { LiveConfig } from '../core/transport.ts';
import type { TokenSource, ToolDefinition } from '../core/types.ts';
import type { LiveAgentElement } from '../element/element.ts';

/** The element's attributes as camelCase props (strings; booleans for presence attributes). */
export interface LiveAgentAttributeProps {
  tokenUrl?: string;
  endpoint?: string;
  model?: string;
  voice?: string;
  language?: string;
  mode?: 'vad' | 'push-to-talk';
  instructions?: string;
  microphone?: 'on' | 'off';
  assetBase?: string;
  metrics?: boolean;
  /** Connect once mounted and defined, after `tools`/`token`/`config` are set (not an attribute:
   * the element's own auto-connect would run at its upgrade, before those properties). */
  autoConnect?: boolean;
}

const ATTRIBUTES: Record<Exclude<keyof LiveAgentAttributeProps, 'autoConnect'>, string> = {
  tokenUrl: 'token-url',
  endpoint: 'endpoint',
  model: 'model',
  voice: 'voice',
  language: 'language',
  mode: 'mode',
  instructions: 'instructions',
  microphone: 'microphone',
  assetBase: 'asset-base',
  metrics: 'metrics',
};

const ATTRIBUTE_KEYS = Object.keys(ATTRIBUTES) as (keyof typeof ATTRIBUTES)[];

/** Every camelCase prop the components turn into an attribute or behaviour. */
export const ATTRIBUTE_PROPS: (keyof LiveAgentAttributeProps)[] = [
  ...ATTRIBUTE_KEYS,
  'autoConnect',
];

/** The attributes to render for `props` (booleans as presence; unset ones left out). */
export function elementAttributes(props: LiveAgentAttributeProps): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ATTRIBUTE_KEYS) {
    const value = props[key];
    if (value === undefined || value === false) continue;
    out[ATTRIBUTES[key]] = value === true ? '' : value;
  }
  return out;
}

/** `status` → `onStatus`. */
export type EventPropName<K extends string> = `on${Capitalize<K>}`;

export const EVENT_PROPS: readonly [LiveAgentEventType, string][] = LIVE_AGENT_EVENT_TYPES.map(
  (key) => [key, `on${key[0]!.toUpperCase()}${key.slice(1)}`],
);

/** The properties a component passes to the element (set only when given). */
export interface ElementProperties {
  tools?: ToolDefinition[];
  token?: TokenSource;
  config?: LiveConfig;
}

/**
 * Sets the given properties on the upgraded element and, the first time with `autoConnect`,
 * connects (failures show in the element and as `live-agent-error`).
 */
export function applyProperties(
  element: LiveAgentElement,
  props: ElementProperties & { autoConnect?: boolean },
  first: boolean,
): void {
  if (props.tools !== undefined) element.tools = props.tools;
  if (props.token !== undefined) element.token = props.token;
  if (props.config !== undefined) element.config = props.config;
  if (first && props.autoConnect && element.status === 'idle')
    element.connect().catch(() => undefined);
}

/** Registers `<live-agent>` (once) and resolves when it is defined. Browser only. */
export function defineElement(): Promise<unknown> {
  return import('../element/index.ts').then(() => customElements.whenDefined('live-agent'));
}

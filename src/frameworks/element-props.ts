/**
 * What the React and Vue components share about `<live-agent>`: its attributes as camelCase
 * props, and loading the element only in the browser (defining it touches `HTMLElement`, which
 * does not exist while server rendering).
 */
import { LIVE_AGENT_EVENT_TYPES, type LiveAgentEventType } from '../core/events.ts';

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
  autoConnect?: boolean;
}

const ATTRIBUTES: Record<keyof LiveAgentAttributeProps, string> = {
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
  autoConnect: 'auto-connect',
};

export const ATTRIBUTE_PROPS = Object.keys(ATTRIBUTES) as (keyof LiveAgentAttributeProps)[];

/** The attributes to render for `props` (booleans as presence; unset ones left out). */
export function elementAttributes(props: LiveAgentAttributeProps): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ATTRIBUTE_PROPS) {
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

/** Registers `<live-agent>` (once) and resolves when it is defined. Browser only. */
export function defineElement(): Promise<unknown> {
  return import('../element/index.ts').then(() => customElements.whenDefined('live-agent'));
}

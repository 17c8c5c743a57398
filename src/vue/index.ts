/**
 * `live-agent/vue`: `useLiveAgent` (readonly refs, stable actions), `useLiveAgentLevels` and
 * `subscribeLevels` (levels apart from the transcript), and the `LiveAgent` component. Safe to
 * import and run in server rendering: nothing opens until `connect()`.
 */
export { useLiveAgent, type UseLiveAgentReturn } from './use-live-agent.ts';
export { useLiveAgentLevels, type UseLiveAgentLevelsReturn } from './levels.ts';
export { LiveAgent } from './component.ts';
export { subscribeLevels, type Levels, type LevelsSource } from '../frameworks/levels.ts';
export type { SessionFactory } from '../frameworks/controller.ts';
export type { LiveAgentAttributeProps } from '../frameworks/element-props.ts';

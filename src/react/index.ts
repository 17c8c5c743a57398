'use client';
/**
 * `live-agent/react`: `useLiveAgent` (session state and stable actions), `useLiveAgentLevels`
 * and `subscribeLevels` (levels apart from the transcript), and `<LiveAgent>` (the element).
 * Safe to import and render on the server: nothing runs until an effect or `connect()`.
 */
export { useLiveAgent, type UseLiveAgentResult } from './use-live-agent.ts';
export { useLiveAgentLevels } from './levels.ts';
export { LiveAgent, type LiveAgentProps, type LiveAgentEventProps } from './component.ts';
export { subscribeLevels, type Levels, type LevelsSource } from '../frameworks/levels.ts';
export type { SessionFactory } from '../frameworks/controller.ts';
export type { LiveAgentAttributeProps } from '../frameworks/element-props.ts';

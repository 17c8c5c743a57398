/**
 * useLiveAgent: the session as React state, over its `subscribe()`/`getSnapshot()`. The hook owns
 * the session: built lazily, connected only by `connect()`, disposed on unmount. Levels are not
 * here (see ./levels.ts), so a component showing the transcript re-renders only when it changes.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { createLiveAgent, type CreateLiveAgentOptions } from '../index.ts';
import type { LiveAgentSnapshot } from '../core/types.ts';
import {
  actionsOf,
  AGENT_FIELDS,
  type AgentField,
  type LiveAgentActions,
} from '../frameworks/actions.ts';
import { AgentController, type SessionFactory } from '../frameworks/controller.ts';
import { registerLevelsSource } from '../frameworks/levels.ts';

/** What `useLiveAgent` returns: snapshot fields, stable actions and the session. */
export interface UseLiveAgentResult extends Pick<LiveAgentSnapshot, AgentField>, LiveAgentActions {}

// useLayoutEffect warns under server rendering in React 18; effects never run there anyway.
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/**
 * A Gemini Live session as React state. `options` are `createLiveAgent`'s; `create` replaces
 * `createLiveAgent` (tests: a session over live-agent/testing's fakes).
 */
export function useLiveAgent(
  options: CreateLiveAgentOptions,
  create: SessionFactory = createLiveAgent,
): UseLiveAgentResult {
  const latest = useRef(options);
  const [controller] = useState(() => new AgentController(() => latest.current, create));
  useIsomorphicLayoutEffect(() => {
    latest.current = options;
  });
  useEffect(() => {
    controller.mount();
    return () => controller.unmount();
  }, [controller]);
  const snapshot = useSyncExternalStore(
    controller.subscribe,
    controller.getSnapshot,
    controller.getServerSnapshot,
  );
  return useMemo(() => {
    const fields = Object.fromEntries(AGENT_FIELDS.map((k) => [k, snapshot[k]]));
    // Onto the actions object: Object.assign copies the fields and leaves its `session` getter be.
    const result: UseLiveAgentResult = Object.assign(
      actionsOf(controller),
      fields as Pick<LiveAgentSnapshot, AgentField>,
    );
    registerLevelsSource(result, controller);
    return result;
  }, [controller, snapshot]);
}

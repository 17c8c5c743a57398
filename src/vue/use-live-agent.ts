/**
 * useLiveAgent for Vue: the session's snapshot fields as readonly `shallowRef`s (a field's ref
 * triggers only when that field's value changes), the same stable actions and `session` as the
 * React hook, and cleanup in `onScopeDispose`. Levels live apart (./levels.ts).
 */
import { getCurrentScope, onScopeDispose, shallowReadonly, shallowRef, toValue } from 'vue';
import type { MaybeRefOrGetter, Ref, ShallowRef } from 'vue';
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

/** What `useLiveAgent` returns: readonly refs, stable actions and the session. */
export type UseLiveAgentReturn = {
  readonly [K in AgentField]: Readonly<Ref<LiveAgentSnapshot[K]>>;
} & LiveAgentActions;

/**
 * A Gemini Live session as Vue refs, in `setup()` or `<script setup>`. `options` are
 * `createLiveAgent`'s, or a ref/getter of them (read at each connect: a changed model or config
 * applies on the next connect). `create` replaces `createLiveAgent` (tests: fakes).
 */
export function useLiveAgent(
  options: MaybeRefOrGetter<CreateLiveAgentOptions>,
  create: SessionFactory = createLiveAgent,
): UseLiveAgentReturn {
  const controller = new AgentController(() => toValue(options), create);
  const initial = controller.getSnapshot();
  const refs = {} as { [K in AgentField]: ShallowRef<LiveAgentSnapshot[K]> };
  for (const key of AGENT_FIELDS)
    (refs as Record<AgentField, ShallowRef<unknown>>)[key] = shallowRef(initial[key]);
  const off = controller.subscribe(() => {
    const snapshot = controller.getSnapshot();
    // Unchanged fields keep their identity, so their refs do not trigger.
    for (const key of AGENT_FIELDS)
      (refs as Record<AgentField, ShallowRef<unknown>>)[key].value = snapshot[key];
  });
  if (getCurrentScope()) {
    onScopeDispose(() => {
      off();
      controller.unmount();
    });
  }
  const result = actionsOf(controller) as UseLiveAgentReturn;
  for (const key of AGENT_FIELDS)
    Object.defineProperty(result, key, { value: shallowReadonly(refs[key]), enumerable: true });
  registerLevelsSource(result, controller);
  return result;
}

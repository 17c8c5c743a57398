/** useLiveAgentLevels for Vue: `{ input, output }` readonly refs at animation-frame rate. */
import { getCurrentScope, onScopeDispose, shallowReadonly, shallowRef, toValue } from 'vue';
import type { MaybeRefOrGetter, Ref } from 'vue';
import { animate, readLevels, type LevelsSource } from '../frameworks/levels.ts';

/** What `useLiveAgentLevels` returns: RMS levels, 0–1. */
export interface UseLiveAgentLevelsReturn {
  readonly input: Readonly<Ref<number>>;
  readonly output: Readonly<Ref<number>>;
}

/**
 * The levels of `agent` (what useLiveAgent returned, or a session), refreshed every animation
 * frame while the calling scope lives; refs trigger only when a value changes.
 */
export function useLiveAgentLevels(
  agent: MaybeRefOrGetter<LevelsSource>,
): UseLiveAgentLevelsReturn {
  const input = shallowRef(0);
  const output = shallowRef(0);
  // No loop while server rendering (no requestAnimationFrame) or outside a scope (nobody stops it).
  if (getCurrentScope()) {
    const stop = animate(() => {
      const levels = readLevels(toValue(agent));
      input.value = levels.input;
      output.value = levels.output;
    });
    onScopeDispose(stop);
  }
  return { input: shallowReadonly(input), output: shallowReadonly(output) };
}

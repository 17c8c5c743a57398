/** useLiveAgentLevels: levels as React state at animation-frame rate, kept out of useLiveAgent. */
import { useEffect, useRef, useState } from 'react';
import {
  animate,
  readLevels,
  ZERO_LEVELS,
  type Levels,
  type LevelsSource,
} from '../frameworks/levels.ts';

/**
 * `{ input, output }` (0–1) of `agentOrSession` (what useLiveAgent returned, or a session),
 * updated every animation frame while they change. Use it in a small component of its own;
 * for a canvas, `subscribeLevels` draws without rendering at all.
 */
export function useLiveAgentLevels(agentOrSession: LevelsSource): Levels {
  const [levels, setLevels] = useState<Levels>(ZERO_LEVELS);
  // The agent object changes with every snapshot: the loop reads the latest and never restarts.
  const source = useRef(agentOrSession);
  useEffect(() => {
    source.current = agentOrSession;
  });
  useEffect(() => {
    // Compared here, not in a state updater: an unchanged setState can still cost a render.
    let shown = ZERO_LEVELS;
    return animate(() => {
      const next = readLevels(source.current);
      if (next.input === shown.input && next.output === shown.output) return;
      shown = next;
      setLevels(next);
    });
  }, []);
  return levels;
}

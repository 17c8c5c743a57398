/**
 * Microphone/speaker levels at animation-frame rate, apart from the snapshot: levels change
 * 60 times a second and must never re-render what shows the transcript.
 */
import type { LiveAgentSession } from '../core/session.ts';
import type { AgentController } from './controller.ts';

/** Input (microphone) and output (agent voice) RMS levels, 0–1. */
export interface Levels {
  readonly input: number;
  readonly output: number;
}

export const ZERO_LEVELS: Levels = Object.freeze({ input: 0, output: 0 });

/** The adapters' result objects, mapped to their controller (no extra field on the result). */
const controllers = new WeakMap<object, AgentController>();

/** Lets `subscribeLevels` find the session behind an adapter's result object. */
export function registerLevelsSource(result: object, controller: AgentController): void {
  controllers.set(result, controller);
}

/**
 * A session, or what `useLiveAgent` returned (React or Vue; read without building its session:
 * zeros until there is one).
 */
export type LevelsSource =
  LiveAgentSession | { readonly session: LiveAgentSession } | null | undefined;

/** Reads the levels of `source` now (zeros without a session). */
export function readLevels(source: LevelsSource): Levels {
  if (!source) return ZERO_LEVELS;
  const session = controllers.get(source)?.existing ?? (isSession(source) ? source : null);
  if (!session) return ZERO_LEVELS;
  const { input, output } = session.getLevels();
  return { input: clamp(input.rms), output: clamp(output.rms) };
}

/**
 * Calls `listener` with the levels on every animation frame until the returned function is
 * called. Nothing re-renders: draw on a canvas or set a CSS variable from here. A no-op where
 * there is no `requestAnimationFrame` (server rendering).
 */
export function subscribeLevels(
  source: LevelsSource,
  listener: (levels: Levels) => void,
): () => void {
  return animate(() => listener(readLevels(source)));
}

/** Runs `frame` on every animation frame until stopped; a no-op without requestAnimationFrame. */
export function animate(frame: () => void): () => void {
  if (typeof requestAnimationFrame !== 'function') return () => undefined;
  let id = requestAnimationFrame(function tick() {
    frame();
    id = requestAnimationFrame(tick);
  });
  return () => cancelAnimationFrame(id);
}

function isSession(source: object): source is LiveAgentSession {
  return typeof (source as Partial<LiveAgentSession>).getLevels === 'function';
}

function clamp(value: number): number {
  return value > 1 ? 1 : value > 0 ? value : 0;
}

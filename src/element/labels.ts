/**
 * What the element's controls say: pure functions from a snapshot (and the element's own state)
 * to the talk button's state and label and the status line.
 */
import type { LiveAgentSnapshot } from '../core/types.ts';
import type { CallUi } from './call-ui.ts';
import type { Endpoints, WaitKind } from './hints.ts';
/** What the talk button shows. */
export type UiState =
  'idle' | 'connecting' | 'listening' | 'hearing' | 'speaking' | 'reconnecting' | 'error';

/** Extra element state that is not in the session snapshot. */
export interface ViewContext {
  pushToTalk: boolean;
  /** Push-to-talk is held (button or Space). */
  holding: boolean;
  now: number;
  /** A quiet call's wait, once it has lasted `hint-after` seconds. */
  wait?: WaitKind | null;
  /** Named in error messages (default: Google's endpoint, no token URL). */
  endpoints?: Endpoints;
  /** The call-time parts (hint and error wording, the log), once loaded (./call-ui.ts). */
  ui?: CallUi;
}

const DEFAULT_ENDPOINTS: Endpoints = {
  endpoint: 'https://generativelanguage.googleapis.com',
  tokenUrl: null,
};

/** Maps a snapshot to the talk button's state. */
export function uiState(
  s: Pick<LiveAgentSnapshot, 'status' | 'agentSpeaking' | 'userSpeaking'>,
): UiState {
  switch (s.status) {
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'error':
      return 'error';
    case 'connected':
      return s.agentSpeaking ? 'speaking' : s.userSpeaking ? 'hearing' : 'listening';
    default:
      return 'idle';
  }
}

export const LABELS: Record<UiState, string> = {
  idle: 'Talk',
  connecting: 'Connecting…',
  listening: 'Listening',
  hearing: 'Hearing you',
  speaking: 'Agent speaking',
  reconnecting: 'Reconnecting…',
  error: 'Retry',
};

/** Talk button text for a state (push-to-talk replaces the connected labels). */
export function buttonLabel(
  state: UiState,
  ctx: Pick<ViewContext, 'pushToTalk' | 'holding'>,
): string {
  const on = state === 'listening' || state === 'hearing' || state === 'speaking';
  if (on && ctx.pushToTalk) return ctx.holding ? 'Talking…' : 'Hold to talk';
  return LABELS[state];
}

/** The one-line status next to the button (goAway countdown, reconnect attempt, error). */
export function statusText(s: LiveAgentSnapshot, ctx: ViewContext): string {
  if (s.status === 'error') {
    return ctx.ui
      ? ctx.ui.errorText(s.error, ctx.endpoints ?? DEFAULT_ENDPOINTS)
      : (s.error?.message ?? 'Something went wrong');
  }
  if (s.status === 'reconnecting')
    return `Connection lost, reconnecting (attempt ${s.reconnectAttempt})`;
  if (s.status === 'connecting') return 'Connecting…';
  if (s.status === 'closed') return 'Disconnected';
  if (s.status !== 'connected') return 'Ready';
  if (s.goAwayAt !== null) {
    return `Renewing connection in ${Math.max(0, Math.ceil((s.goAwayAt - ctx.now) / 1000))} s`;
  }
  if (!s.micEnabled) return 'Microphone muted';
  if (s.agentSpeaking) return 'Agent speaking, interrupt any time';
  if (ctx.wait && ctx.ui) return ctx.ui.HINTS[ctx.wait];
  return ctx.pushToTalk ? 'Hold the button or Space to talk' : 'Listening, just speak';
}

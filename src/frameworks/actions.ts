/**
 * What both adapters' `useLiveAgent` return beside the snapshot fields: the stable actions and the
 * session. One declaration, so the React and Vue contracts cannot drift apart.
 */
import type { LiveAgentSession } from '../core/session.ts';
import type { VideoOptions } from '../core/video.ts';

/** The snapshot fields the adapters expose (React as values, Vue as readonly refs). */
export const AGENT_FIELDS = [
  'status',
  'transcript',
  'error',
  'micEnabled',
  'userSpeaking',
  'agentSpeaking',
  'needsGesture',
  'usage',
  'metrics',
  'pendingToolCalls',
  // Agent servers (ADK): the answering agent and the tools it ran; null / [] for Gemini.
  'agent',
  'serverToolCalls',
] as const;

export type AgentField = (typeof AGENT_FIELDS)[number];

/** Stable actions (identities never change) and the session. */
export interface LiveAgentActions {
  /** Opens the microphone and connects; resolves once connected (quietly when superseded). */
  connect(): Promise<void>;
  /** Ends the conversation and releases the microphone. */
  disconnect(): Promise<void>;
  /** Sends a typed user turn; throws `not-connected` when not connected. */
  sendText(text: string): void;
  /** Mutes or unmutes the microphone. */
  setMicEnabled(enabled: boolean): void;
  /** Sends camera or screen frames, or switches source; rejects with a MediaError (audio unaffected). */
  startVideo(source: 'camera' | 'screen', options?: VideoOptions): Promise<void>;
  /** Stops video and releases the camera or screen. */
  stopVideo(): void;
  /** Resumes audio output from a user gesture (autoplay policy). */
  resumeAudio(): Promise<void>;
  /** The underlying session (for `on()`); built on first access. A changed model/config builds a new one on the next connect. */
  readonly session: LiveAgentSession;
}

/**
 * The actions of `controller` (its arrow functions, so identities never change) and its session
 * as a getter: reading `session` is what builds it, so the getter must survive, never be copied.
 */
export function actionsOf(controller: LiveAgentActions): LiveAgentActions {
  return {
    connect: controller.connect,
    disconnect: controller.disconnect,
    sendText: controller.sendText,
    setMicEnabled: controller.setMicEnabled,
    startVideo: controller.startVideo,
    stopVideo: controller.stopVideo,
    resumeAudio: controller.resumeAudio,
    get session() {
      return controller.session;
    },
  };
}

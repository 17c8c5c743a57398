/**
 * useLiveAgent for Vue: the session's snapshot fields as readonly `shallowRef`s (a field's ref
 * triggers only when that field's value changes), the same stable actions and `session` as the
 * React hook, and cleanup in `onScopeDispose`. Levels live apart (./levels.ts).
 */
import { getCurrentScope, onScopeDispose, shallowReadonly, shallowRef, toValue } from 'vue';
import type { MaybeRefOrGetter, Ref, ShallowRef } from 'vue';
import { createLiveAgent, type CreateLiveAgentOptions } from '../index.ts';
import type { LiveAgentSession } from '../core/session.ts';
import type { LiveAgentSnapshot } from '../core/types.ts';
import type { VideoOptions } from '../core/video.ts';
import { AgentController, type SessionFactory } from '../frameworks/controller.ts';
import { registerLevelsSource } from '../frameworks/levels.ts';

const FIELDS = [
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
] as const;

type Field = (typeof FIELDS)[number];

/** What `useLiveAgent` returns: readonly refs, stable actions and the session. */
export type UseLiveAgentReturn = {
  readonly [K in Field]: Readonly<Ref<LiveAgentSnapshot[K]>>;
} & {
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
};

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
  const refs = {} as { [K in Field]: ShallowRef<LiveAgentSnapshot[K]> };
  for (const key of FIELDS)
    (refs as Record<Field, ShallowRef<unknown>>)[key] = shallowRef(initial[key]);
  const off = controller.subscribe(() => {
    const snapshot = controller.getSnapshot();
    // Unchanged fields keep their identity, so their refs do not trigger.
    for (const key of FIELDS)
      (refs as Record<Field, ShallowRef<unknown>>)[key].value = snapshot[key];
  });
  if (getCurrentScope()) {
    onScopeDispose(() => {
      off();
      controller.unmount();
    });
  }
  const result = {
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
  } as UseLiveAgentReturn;
  for (const key of FIELDS)
    Object.defineProperty(result, key, { value: shallowReadonly(refs[key]), enumerable: true });
  registerLevelsSource(result, controller);
  return result;
}

/**
 * useLiveAgent: the session as React state, over its `subscribe()`/`getSnapshot()`. The hook owns
 * the session: built lazily, connected only by `connect()`, disposed on unmount. Levels are not
 * here (see ./levels.ts), so a component showing the transcript re-renders only when it changes.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { createLiveAgent, type CreateLiveAgentOptions } from '../index.ts';
import type { LiveAgentSnapshot } from '../core/types.ts';
import type { AgentField, LiveAgentActions } from '../frameworks/actions.ts';
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
    const result: UseLiveAgentResult = {
      status: snapshot.status,
      transcript: snapshot.transcript,
      error: snapshot.error,
      micEnabled: snapshot.micEnabled,
      userSpeaking: snapshot.userSpeaking,
      agentSpeaking: snapshot.agentSpeaking,
      needsGesture: snapshot.needsGesture,
      usage: snapshot.usage,
      metrics: snapshot.metrics,
      pendingToolCalls: snapshot.pendingToolCalls,
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
    registerLevelsSource(result, controller);
    return result;
  }, [controller, snapshot]);
}

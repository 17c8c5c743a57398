/**
 * Script-tag entry (`dist/live-agent.iife.js`): registers `<live-agent>` and exposes the global
 * `LiveAgent`. The transport and audio code (`live-agent.deps.js`), worker and worklets are
 * fetched from beside this script on the first connect, wherever the script is hosted.
 */
import {
  AuthError,
  ConnectionError,
  LiveAgentError,
  MediaError,
  ProtocolError,
  reviveError,
  serializeError,
} from '../core/errors.ts';
import { LiveAgentSession } from '../core/session.ts';
import type { LiveAgentOptions } from '../core/types.ts';
import type { SessionDeps } from './element.ts';
import { LIVE_AGENT_DOM_EVENTS, LiveAgentElement } from './element.ts';
import { LiveAgentEvent } from './events.ts';
import { ERRORS_KEY } from './shared-errors-key.ts';
export { LIVE_AGENT_TAG } from './define.ts';

/** File name of the lazily loaded transport + audio bundle (an ES module beside this script). */
export const DEPS_FILE = 'live-agent.deps.js';

// live-agent.deps.js takes the error classes from here instead of carrying a copy (shared-errors.ts).
(globalThis as Record<symbol, unknown>)[ERRORS_KEY] = {
  LiveAgentError,
  ConnectionError,
  ProtocolError,
  MediaError,
  serializeError,
  reviveError,
};

// Only readable while the script itself is evaluating: capture it now, not on first connect.
const script = typeof document === 'undefined' ? null : document.currentScript;
if (script instanceof HTMLScriptElement && script.src && !LiveAgentElement.assetBase) {
  LiveAgentElement.assetBase = new URL('.', script.src).href;
}

LiveAgentElement.depsLoader ??= async (assetBase, media) => {
  // asset-base may be relative (`/cdn/`) or lack its trailing slash, as deps.ts allows too.
  const base = new URL(assetBase ?? '.', document.baseURI);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const url = new URL(DEPS_FILE, base).href;
  const mod = (await import(/* @vite-ignore */ url)) as {
    createDefaultDeps(
      base: string | undefined,
      audio: { microphone: boolean },
    ): Promise<SessionDeps>;
    createVideoControls: typeof LiveAgentElement.videoControls;
    callUi: typeof LiveAgentElement.callUi;
  };
  LiveAgentElement.videoControls ??= mod.createVideoControls;
  LiveAgentElement.callUi ??= mod.callUi;
  return mod.createDefaultDeps(assetBase, media);
};

/** Package version of this bundle. */
export const version = '0.1.0';

/** A session with the default worker transport and Web Audio media, files found beside the script. */
export async function createSession(options: LiveAgentOptions): Promise<LiveAgentSession> {
  const deps = await LiveAgentElement.depsLoader!(LiveAgentElement.assetBase, {
    microphone: true,
  });
  return new LiveAgentSession(options, deps);
}

export {
  AuthError,
  ConnectionError,
  LIVE_AGENT_DOM_EVENTS,
  LiveAgentElement,
  LiveAgentError,
  LiveAgentEvent,
  LiveAgentSession,
  MediaError,
};

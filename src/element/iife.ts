/**
 * Script-tag entry (`dist/live-agent.iife.js`): registers `<live-agent>` and exposes the global
 * `LiveAgent`. Worker and worklet files are looked up beside this script, wherever it is hosted.
 */
import { AuthError, ConnectionError, LiveAgentError, MediaError } from '../core/errors.ts';
import { LiveAgentSession } from '../core/session.ts';
import type { LiveAgentOptions } from '../core/types.ts';
import { createDefaultDeps } from './deps.ts';
import { LiveAgentElement } from './element.ts';
import { LiveAgentEvent } from './events.ts';
import './index.ts';

// Only readable while the script itself is evaluating: capture it now, not on first connect.
const script = typeof document === 'undefined' ? null : document.currentScript;
if (script instanceof HTMLScriptElement && script.src && !LiveAgentElement.assetBase) {
  LiveAgentElement.assetBase = new URL('.', script.src).href;
}

/** Package version of this bundle. */
export const version = '0.1.0';

/** A session with the default worker transport and Web Audio media, files found beside the script. */
export async function createSession(options: LiveAgentOptions): Promise<LiveAgentSession> {
  return new LiveAgentSession(options, await createDefaultDeps(LiveAgentElement.assetBase));
}

export {
  AuthError,
  ConnectionError,
  LiveAgentElement,
  LiveAgentError,
  LiveAgentEvent,
  LiveAgentSession,
  MediaError,
};

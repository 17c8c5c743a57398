/**
 * The error classes of the script-tag files, shipped once: live-agent.iife.js registers its own
 * under ERRORS_KEY before it imports live-agent.deps.js, and the deps build resolves
 * core/errors.ts to this file (rollup.config.mjs). So deps carries no copy of them, and an error
 * thrown by deps code (the transport, the microphone) is `instanceof` the `LiveAgent.*Error`
 * classes the page sees.
 */
import type * as Errors from '../core/errors.ts';
import { ERRORS_KEY } from './shared-errors-key.ts';

const shared = (globalThis as Record<symbol, typeof Errors | undefined>)[ERRORS_KEY];
if (!shared) throw new Error('live-agent.deps.js is loaded by live-agent.iife.js, not on its own');

// What deps code imports, no more (the IIFE registers the same list); a new import fails the build.
export const {
  LiveAgentError,
  ConnectionError,
  ProtocolError,
  MediaError,
  serializeError,
  reviveError,
} = shared;

/**
 * `live-agent/server`: mint Gemini Live ephemeral tokens for the browser. Fetch API only, so it
 * runs on Node, Deno, Bun and edge runtimes; `toNodeHandler` mounts it on `node:http`/Express.
 */
export {
  createTokenHandler,
  defaultClientKey,
  scrubSecret,
  type AuthorizeResult,
  type TokenHandlerErrorCode,
  type TokenHandlerOptions,
  type TokenResponseBody,
} from './token-handler.ts';
export { createRateLimiter, type RateLimitOptions, type RateLimitResult } from './rate-limit.ts';
export { toNodeHandler, type NodeHandlerOptions } from './node.ts';

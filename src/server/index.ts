/**
 * `live-agent/server`: mint Gemini Live ephemeral tokens for the browser. Fetch API only, so it
 * runs on Node, Deno, Bun and edge runtimes; `toNodeHandler` mounts it on `node:http`/Express.
 */
export {
  createTokenHandler,
  defaultClientKey,
  scrubSecret,
  type AuthorizeResult,
  type ClientInfo,
  type TokenHandlerErrorCode,
  type TokenHandlerOptions,
  type TokenResponseBody,
} from './token-handler.ts';
export {
  createMemoryRateLimitStore,
  createRateLimiter,
  type RateLimitOptions,
  type RateLimitResult,
  type RateLimitStore,
} from './rate-limit.ts';
export {
  createRedisRateLimitStore,
  type RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-store.ts';
export { toNodeHandler, type NodeHandlerOptions } from './node.ts';

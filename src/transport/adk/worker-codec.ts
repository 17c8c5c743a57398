/**
 * The ADK wire's worker half (codec + close/handshake errors), loaded by the worker with a dynamic
 * `import()` only when an ADK connection opens: `live-agent-adk.worker.js` beside the worker.
 */
export { AdkDecoder, encodeAdkIntent, normaliseAdkAudio, serializeAdkRequest } from './codec.ts';
export { adkCloseError, adkHandshakeError } from './wire.ts';

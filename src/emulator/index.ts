/// <reference types="node" />
/**
 * `live-agent/emulator` (Node only): a local stand-in for the Gemini Live API that speaks the real
 * wire protocol, for app tests and offline development. See `createEmulator`.
 */
export { createEmulator, Emulator } from './emulator.ts';
export type { EmulatorEvents } from './emulator.ts';
export { EmulatorSession } from './session.ts';
export type { SessionEvents } from './session.ts';
export { Script } from './script.ts';
export type { TurnContext, TurnHandler, SetupHook, MessageHook } from './script.ts';
export { ToolCallCancelledError } from './tools.ts';
export {
  INVALID as INVALID_ARGUMENT_REASON,
  MEDIA_CHUNKS as MEDIA_CHUNKS_REASON,
} from './protocol.ts';
export { encodePcm16, decodePcm16 } from './pcm.ts';
export type {
  AudioPacing,
  CloseInfo,
  EmulatorOptions,
  EmulatorSettings,
  FrameRecord,
  IssuedToken,
  SessionCredential,
  SessionRoute,
  SpeechMode,
  TokenRequest,
  VadOptions,
} from './types.ts';
export { speechLikePcm16, silencePcm16, chunkPcm16 } from './signals.ts';

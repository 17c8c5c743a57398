/// <reference types="node" />
/**
 * `live-agent/emulator` (Node only): a local stand-in for the Gemini Live API that speaks the real
 * wire protocol, for app tests and offline development. Start with `createEmulator()`.
 */

/** Start an emulator (`createEmulator`) and the object it returns (`Emulator`). */
export { createEmulator, Emulator } from './emulator.ts';
/** Event map of `emulator.on(...)`: `session`, `sessionClosed`, `token`. */
export type { EmulatorEvents } from './emulator.ts';
/** One connection: recorded frames, scripting and fault injection (`send`, `drop`, `goAway`…). */
export { EmulatorSession } from './session.ts';
/** The network under a session (`session.link`): slow or stopped reads, stalled writes. */
export { Link, type LinkState } from './link.ts';
/** Event map of `session.on(...)`: `message`, `sent`, `setup`, `turn`, `reply`, `close`… */
export type { SessionEvents } from './session.ts';
/** Scripted rules (`onText`, `onTurn`, `onSetup`, `onMessage`), global or per session. */
export { Script } from './script.ts';
/** What scripted handlers receive and may return. */
export type { TurnContext, TurnHandler, SetupHook, MessageHook } from './script.ts';
/** Rejection of `ctx.callTool` / `session.callTool` when the call was cancelled. */
export { ToolCallCancelledError } from './tools.ts';
/** Close reasons the emulator uses for 1007 (generic, and legacy `mediaChunks`). */
export {
  INVALID as INVALID_ARGUMENT_REASON,
  MEDIA_CHUNKS as MEDIA_CHUNKS_REASON,
} from './protocol.ts';
/** Base64 PCM16 little-endian codecs (the wire format of Live audio). */
export { encodePcm16, decodePcm16 } from './pcm.ts';
/** Synthetic microphone input: speech-like signal, silence, and chunking. */
export { speechLikePcm16, silencePcm16, chunkPcm16 } from './signals.ts';
/** Options, settings and record types. */
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
/** ADK mode: `/run_live` and the session REST routes of an ADK server, in front of an emulator. */
export { startAdkEmulator, type AdkEmulator, type AdkEmulatorOptions } from './adk.ts';

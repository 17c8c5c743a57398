/**
 * `live-agent`: the session (core), the default worker transport and Web Audio media, and
 * `createLiveAgent()` that wires them. It imports no DOM code (it runs in Node for SSR); the
 * element lives only under `live-agent/element`.
 */
import { LiveAgentSession } from './core/session.ts';
import type { LiveAgentOptions } from './core/types.ts';
import { createWorkerTransport } from './transport/worker-transport.ts';
import { createWebAudioMedia } from './audio/index.ts';
import type { AudioOptions } from './audio/index.ts';
import { createWebVideo } from './video/index.ts';
import type { WebVideoOptions } from './video/index.ts';

/** Options of {@link createLiveAgent}: the session's plus where media and the worker come from. */
export interface CreateLiveAgentOptions extends LiveAgentOptions {
  /** Microphone/speaker options, or `false` for a text-only session without media. */
  audio?: AudioOptions | false;
  /** Where `live-agent.worker.js` is served; default: beside this bundle. */
  workerUrl?: string | URL;
  /** Camera/screen options, or `false` for a session that never sends video. */
  video?: WebVideoOptions | false;
}

/** A session with the default transport (WebSocket in a module Worker) and Web Audio media. */
export function createLiveAgent(options: CreateLiveAgentOptions): LiveAgentSession {
  const { audio, video, workerUrl, ...session } = options;
  return new LiveAgentSession(session, {
    transport: createWorkerTransport({ workerUrl }),
    media: audio === false ? null : createWebAudioMedia(audio ?? {}),
    video: video === false ? null : createWebVideo(video ?? {}),
  });
}

export {
  AuthError,
  ConnectionError,
  LIVE_AGENT_EVENT_TYPES,
  LiveAgentError,
  intentMethods,
  LiveAgentSession,
  MediaError,
  ProtocolError,
  SessionLimitError,
  looksLikeApiKey,
  VIDEO_PRESETS,
} from './core/index.ts';
export type {
  ClientMessage,
  Credential,
  DeviceChange,
  FunctionCall,
  FunctionDeclaration,
  FunctionResponse,
  LatencyMetrics,
  LiveAgentDeps,
  LiveAgentErrorCode,
  LiveAgentEventMap,
  LiveAgentEventType,
  LiveAgentOptions,
  LiveAgentSnapshot,
  LiveAgentStatus,
  LiveConfig,
  ClientIntent,
  CloseInfo,
  ConnectionHandlers,
  InboundEvent,
  InboundFrame,
  LiveConnection,
  LiveMedia,
  MessageMeta,
  TransportCapabilities,
  TransportEvent,
  LiveTransport,
  MediaEvent,
  MediaLevels,
  MediaPlayback,
  MediaPorts,
  OpenParams,
  PlaybackPosition,
  PlaybackStats,
  ReconnectOptions,
  ServerMessage,
  TokenSource,
  ToolContext,
  ToolDefinition,
  TranscriptTurn,
  TurnMetrics,
  UsageMetadata,
  UsageTotals,
  LiveVideo,
  VideoEncodeSettings,
  VideoEvent,
  VideoOptions,
  VideoPorts,
  VideoSource,
  VideoStopReason,
} from './core/index.ts';
export {
  createWorkerTransport,
  type WorkerTransportOptions,
} from './transport/worker-transport.ts';
export {
  createDirectTransport,
  type DirectTransportOptions,
} from './transport/direct-transport.ts';
export { createWebAudioMedia, type AudioOptions, type WebAudioMedia } from './audio/index.ts';
export {
  canCapture,
  createWebVideo,
  type VideoStats,
  type WebVideo,
  type WebVideoOptions,
} from './video/index.ts';

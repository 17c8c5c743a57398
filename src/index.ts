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
import { createWebVideo, videoWorkerBeside } from './video/index.ts';
import type { WebVideoOptions } from './video/index.ts';
import { createAdkTransport, type AdkTransportOptions } from './transport/adk/transport.ts';

/** Options of {@link createLiveAgent}: the session's plus where media and the worker come from. */
export interface CreateLiveAgentOptions extends LiveAgentOptions {
  /** Microphone/speaker options, or `false` for a text-only session without media. */
  audio?: AudioOptions | false;
  /** Where `live-agent.worker.js` is served; default: beside this bundle. */
  workerUrl?: string | URL;
  /** Camera/screen options, or `false` for a session that never sends video. */
  video?: WebVideoOptions | false;
  /** `gemini` (default): the Live API. `adk`: an ADK agent server's `/run_live` (see `adk`). */
  transport?: 'gemini';
}

/** Options of `createLiveAgent({ transport: 'adk', … })`: ADK needs no Gemini token. */
export interface CreateAdkLiveAgentOptions
  extends
    Omit<CreateLiveAgentOptions, 'transport' | 'token' | 'endpoint'>,
    Omit<AdkTransportOptions, 'workerUrl' | 'worker'> {
  transport: 'adk';
  /** Unused by ADK (its auth is the `ticket` provider); accepted for symmetry. */
  token?: LiveAgentOptions['token'];
}

// ADK's server holds the model credentials; the session's credential slot carries nothing.
const ADK_PLACEHOLDER_TOKEN = 'auth_tokens/adk-server-side';

/** A session with the default transport (WebSocket in a module Worker) and Web Audio media. */
export function createLiveAgent(
  options: CreateLiveAgentOptions | CreateAdkLiveAgentOptions,
): LiveAgentSession {
  const media = options.audio === false ? null : createWebAudioMedia(options.audio ?? {});
  // The video worker is looked for beside the transport worker when the app moved that one.
  const video =
    options.video === false
      ? null
      : createWebVideo({ ...videoWorkerBeside(options.workerUrl), ...options.video });
  if (options.transport === 'adk') {
    const {
      audio: _audio,
      video: _video,
      transport: _transport,
      token,
      workerUrl,
      endpoint,
      appName,
      userId,
      sessionId,
      modalities,
      query,
      ticket,
      fetch,
      state,
      ...session
    } = options;
    const adk = createAdkTransport({
      ...{ endpoint, appName, userId, sessionId, modalities, query, ticket, fetch, state },
      workerUrl,
    });
    return new LiveAgentSession(
      { ...session, token: token ?? ADK_PLACEHOLDER_TOKEN, endpoint },
      { transport: adk, media, video },
    );
  }
  const { audio: _audio, video: _video, workerUrl, transport: _transport, ...session } = options;
  return new LiveAgentSession(session, {
    transport: createWorkerTransport({ workerUrl }),
    media,
    video,
  });
}

export {
  createAdkTransport,
  adkTicketEndpoint,
  type AdkTransport,
  type AdkTransportOptions,
  type AdkTicket,
  type AdkTicketRequest,
} from './transport/adk/transport.ts';
export {
  ADK_CAPABILITIES,
  adkDetails,
  type AdkDetails,
  type AdkToolActivity,
} from './transport/adk/codec.ts';
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

/**
 * `live-agent` core entry: the framework-free session, its types, the event map and typed errors.
 * Faces (element, React, Vue) build on these; nothing here touches the DOM or Web Audio.
 */
export { LiveAgentSession, type LiveAgentDeps } from './session.ts';
export type { SessionStats } from './session-support.ts';
export type {
  LiveAgentOptions,
  LiveAgentSnapshot,
  LiveAgentStatus,
  LatencyMetrics,
  ReconnectOptions,
  TokenSource,
  ToolContext,
  ToolDefinition,
  TranscriptTurn,
  TurnMetrics,
  PlaybackPosition,
  DeviceChange,
  UsageTotals,
} from './types.ts';
export {
  LIVE_AGENT_EVENT_TYPES,
  TypedEmitter,
  type LiveAgentEventMap,
  type LiveAgentEventType,
} from './events.ts';
export {
  AuthError,
  ConnectionError,
  LiveAgentError,
  MediaError,
  ProtocolError,
  SessionLimitError,
  type LiveAgentErrorCode,
} from './errors.ts';
export { TokenProvider, looksLikeApiKey } from './token.ts';
export { ReconnectPolicy, RECONNECT_DEFAULTS } from './reconnect.ts';
export type {
  ClientMessage,
  FunctionCall,
  FunctionDeclaration,
  FunctionResponse,
  ServerMessage,
  UsageMetadata,
} from './wire.ts';
export { intentMethods } from './transport.ts';
export type {
  ClientIntent,
  CloseInfo,
  ConnectionHandlers,
  Credential,
  InboundEvent,
  InboundFrame,
  LiveConfig,
  LiveConnection,
  LiveTransport,
  MessageMeta,
  OpenParams,
  PlaybackStats,
  TransportCapabilities,
  TransportEvent,
} from './transport.ts';
export type { LiveMedia, MediaEvent, MediaLevels, MediaPlayback, MediaPorts } from './media.ts';
export { VIDEO_PRESETS, videoSettings } from './video.ts';
export type {
  LiveVideo,
  VideoEncodeSettings,
  VideoEvent,
  VideoOptions,
  VideoPorts,
  VideoSource,
} from './video.ts';
export type { VideoStopReason } from './session-video.ts';

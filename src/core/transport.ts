/**
 * The seam between the session (main thread, framework-free) and a wire. The session speaks
 * intents (send audio, text, tool responses, activity markers) and receives normalised inbound
 * events; each transport owns its codec, the only place its wire format is written or read.
 * The default Gemini Live transport runs its socket in a module Worker (src/transport); tests use
 * fakes (src/testing); a second protocol (ADK `/run_live`) is another implementation of this file's
 * interfaces, with its own capability flags. See docs/architecture.md ("Adding a transport").
 */
import type { LiveConnectConfig } from '@google/genai';
import type { SerializedError } from './errors.ts';
import type {
  FunctionCall,
  FunctionDeclaration,
  FunctionResponse,
  ServerMessage,
  UsageMetadata,
} from './wire.ts';
import type { MediaPorts } from './media.ts';
import type { VideoPorts } from './video.ts';

/** The `LiveConnectConfig` shape of @google/genai (types only; never its runtime). */
export type LiveConfig = LiveConnectConfig;

/** A credential for one connection. Tokens are `auth_tokens/…`; keys only when allowed. */
export interface Credential {
  kind: 'token' | 'apiKey';
  value: string;
}

/**
 * What a transport can do. The session refuses calls a transport cannot serve (`unsupported`) and
 * exposes the flags read-only (`session.capabilities`) so faces can hide the matching controls.
 */
export interface TransportCapabilities {
  /** Function declarations from the app run on this client and are answered by it. */
  readonly tools: boolean;
  /** activityStart/activityEnd (push-to-talk with server VAD off). */
  readonly pushToTalk: boolean;
  /** The mic can be paused with an explicit end-of-stream marker. */
  readonly audioStreamEnd: boolean;
  /** The server hands out resumption handles, so a reconnect continues the same conversation. */
  readonly resumption: boolean;
  /** The voice can be chosen per connection (`speechConfig`). */
  readonly voice: boolean;
  /** Camera/screen frames can be sent. */
  readonly video: boolean;
}

/** Everything a transport needs to open one connection and complete its handshake. */
export interface OpenParams {
  /** Service base URL (`https://generativelanguage.googleapis.com`, an emulator, an agent). */
  endpoint: string;
  credential: Credential;
  /** Model id, with or without the `models/` prefix (ignored where the server picks it). */
  model: string;
  config: LiveConfig;
  /** Tool declarations from the tools registry (handlers stay on the main thread). */
  functionDeclarations: FunctionDeclaration[];
  /** The handle to resume a previous session (transports with `resumption`). */
  resumeHandle?: string;
  /** Fail with `ConnectionError.timeout` when the connection is not ready by then. */
  connectTimeoutMs: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** The transport's own reading of this close (its wire's codes), used instead of the default. */
  error?: SerializedError;
}

/** Metadata a transport adds to each inbound frame it delivers. */
export interface MessageMeta {
  /**
   * Audio bytes that were in the frame. Transports that play audio themselves (the worker)
   * remove the audio data before the frame reaches the main thread.
   */
  audioBytes: number;
  /** `performance.timeOrigin + performance.now()` when the frame arrived. */
  receivedAt: number;
  /**
   * The transport's audio turn that is playing this frame's audio (as in `first-audio` and the
   * media's played position). Absent when no audio was played (none, or a dropped late chunk).
   */
  audioTurnId?: number;
}

/**
 * One normalised server event. A frame may carry several; the codec lists them in the order the
 * session must handle them, so derived state is complete before the events announcing a boundary.
 */
export type InboundEvent =
  | { type: 'resumption'; handle: string }
  | { type: 'usage'; usage: UsageMetadata }
  | { type: 'transcription'; speaker: 'user' | 'model'; text?: string; finished: boolean }
  /** Model output: its non-thought text parts, and how many audio parts (played by the media). */
  | { type: 'content'; text: string[]; audioParts: number }
  | { type: 'interrupted' }
  | { type: 'turnComplete'; reason?: string }
  | { type: 'toolCall'; calls: FunctionCall[] }
  | { type: 'toolCallCancellation'; ids: string[] }
  | { type: 'goAway'; timeLeftMs: number }
  | { type: 'error'; error: SerializedError }
  /** The agent now answering (ADK: an event's `author`, or the target of a transfer). */
  | { type: 'agent'; name: string }
  /** A tool the server runs itself (ADK): for display, never executed by the session. */
  | {
      type: 'serverToolCall';
      id: string;
      name: string;
      args: Record<string, unknown>;
      longRunning: boolean;
    }
  /** The result of a server-run tool (ADK's `functionResponse`). */
  | { type: 'serverToolResult'; id: string; name: string; response: Record<string, unknown> };

/** One server frame: as received (the `message` event) and normalised. */
export interface InboundFrame {
  /** The frame's JSON as received (audio data may be stripped). Transport-specific. */
  raw: ServerMessage;
  events: InboundEvent[];
}

export interface ConnectionHandlers {
  /** Every frame after the handshake, in order (the handshake itself resolves open()). */
  message(frame: InboundFrame, meta: MessageMeta): void;
  /** A frame that could not be parsed; the connection stays open. */
  malformed(error: SerializedError): void;
  /** The socket closed (by either side). Called once. */
  close(info: CloseInfo): void;
}

/** Intents the session sends; a transport's codec turns each into its own wire frame. */
export type ClientIntent =
  | { type: 'audio'; data: string; sampleRate: number }
  | { type: 'video'; data: string; mimeType: string }
  /** `realtime`: interleaved with live audio and VAD, not a turn of its own. */
  | { type: 'text'; text: string; realtime: boolean }
  | { type: 'toolResponses'; responses: FunctionResponse[] }
  | { type: 'activityStart' }
  | { type: 'activityEnd' }
  | { type: 'audioStreamEnd' };

/** One open connection, after its handshake. */
export interface LiveConnection {
  readonly id: number;
  /** The handshake's payload (Gemini's setupComplete; Vertex and ADK add a sessionId). */
  readonly setupComplete: Record<string, unknown>;
  /** base64 PCM16 LE mono at `sampleRate` (microphone audio normally flows in the transport). */
  sendAudio(data: string, sampleRate: number): void;
  /** A user turn (`realtime: false`) or text interleaved with live audio (`realtime: true`). */
  sendText(text: string, realtime: boolean): void;
  sendToolResponses(responses: FunctionResponse[]): void;
  activityStart(): void;
  activityEnd(): void;
  audioStreamEnd(): void;
  /** One base64 image (JPEG, about 1 fps). */
  sendVideoFrame(data: string, mimeType: string): void;
  /**
   * Route microphone audio (and video frames) to this connection. Audio captured while no
   * connection was active (pre-connect, reconnecting) is flushed to it first, bounded.
   */
  activate(): void;
  close(code?: number, reason?: string): void;
}

/** The intent methods of a connection, from one function that sends an intent. */
export function intentMethods(
  send: (intent: ClientIntent) => void,
): Omit<LiveConnection, 'id' | 'setupComplete' | 'activate' | 'close'> {
  return {
    sendAudio: (data, sampleRate) => send({ type: 'audio', data, sampleRate }),
    sendText: (text, realtime) => send({ type: 'text', text, realtime }),
    sendToolResponses: (responses) => send({ type: 'toolResponses', responses }),
    activityStart: () => send({ type: 'activityStart' }),
    activityEnd: () => send({ type: 'activityEnd' }),
    audioStreamEnd: () => send({ type: 'audioStreamEnd' }),
    sendVideoFrame: (data, mimeType) => send({ type: 'video', data, mimeType }),
  };
}

/** Playback health as the transport's playback pipe reports it (the one shape of these stats). */
export interface PlaybackStats {
  /** Times the jitter buffer ran dry since the pipe started. */
  underruns: number;
  /** Audio queued ahead of the speaker. */
  bufferedMs: number;
  /** Chunks of an interrupted turn that arrived after the flush and were dropped. */
  lateChunks: number;
}

/** Events about media handled inside the transport (worker side). */
export type TransportEvent =
  | ({ type: 'playback' } & PlaybackStats)
  | { type: 'first-audio'; turnId: number; receivedAt: number; audibleAt: number }
  | {
      type: 'interrupt-silence';
      turnId: number;
      interruptedAt: number;
      silentAt: number;
      /** How much of the interrupted turn was heard. */
      playedMs: number;
    }
  | { type: 'speech-start'; at: number }
  | { type: 'speech-end'; at: number }
  | { type: 'capture-dropped'; ms: number }
  /**
   * The socket has too many unsent bytes (`congested`), or has drained again; `droppedMs`: audio
   * the bounded backlog dropped meanwhile, `heldMs`: the most it held at once (both given when
   * the congestion ends).
   */
  | {
      type: 'congestion';
      congested: boolean;
      bufferedBytes: number;
      droppedMs: number;
      heldMs: number;
    }
  | { type: 'error'; error: SerializedError };

export interface LiveTransport {
  /** What this transport can do (constant for its lifetime). */
  readonly capabilities: TransportCapabilities;
  /** Opens a connection and resolves once it is ready. Rejects with a LiveAgentError. */
  open(params: OpenParams, handlers: ConnectionHandlers): Promise<LiveConnection>;
  /** Plug the media graph's ports in (once per session, before or after open). */
  attachMedia?(ports: MediaPorts): Promise<void>;
  /**
   * Plug one video run's frame port in (`capabilities.video`). Replaces the previous run's; the
   * run ends when the main side posts `stop` or closes the port.
   */
  attachVideo?(video: VideoPorts): Promise<void>;
  /** Mic on/off: off stops sending audio and ends the audio stream once. */
  setMicEnabled?(enabled: boolean): void;
  /** Media/worker-side events (metrics, playback stats). */
  onEvent?(listener: (event: TransportEvent) => void): () => void;
  /**
   * The session closed or failed: free what is only needed while connected (the worker, its
   * sockets and pipes). The next open() or attachMedia() starts afresh.
   */
  release?(): void;
  /** Close every connection and free the worker. */
  dispose(): void;
}

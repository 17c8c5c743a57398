/**
 * The seam between the session (main thread, framework-free) and the wire. The default
 * implementation runs the WebSocket in a module Worker (src/transport); tests use fakes
 * (src/testing). A second protocol (ADK /run_live) would be another implementation: the session
 * speaks Gemini Live's message shapes (wire.ts) and a transport maps them to its own wire.
 */
import type { LiveConnectConfig } from '@google/genai';
import type { SerializedError } from './errors.ts';
import type { ClientMessage, FunctionDeclaration, ServerMessage } from './wire.ts';
import type { MediaPorts } from './media.ts';

/** The `LiveConnectConfig` shape of @google/genai (types only; never its runtime). */
export type LiveConfig = LiveConnectConfig;

/** A credential for one connection. Tokens are `auth_tokens/…`; keys only when allowed. */
export interface Credential {
  kind: 'token' | 'apiKey';
  value: string;
}

/** Everything a transport needs to open one connection and complete setup. */
export interface OpenParams {
  /** Live service base URL (`https://generativelanguage.googleapis.com` or an emulator). */
  endpoint: string;
  credential: Credential;
  /** Model id, with or without the `models/` prefix. */
  model: string;
  config: LiveConfig;
  /** Tool declarations from the tools registry (handlers stay on the main thread). */
  functionDeclarations: FunctionDeclaration[];
  /** `sessionResumption.handle` to resume a previous session. */
  resumeHandle?: string;
  /** Fail with `ConnectionError.timeout` when setupComplete has not arrived by then. */
  connectTimeoutMs: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Metadata a transport adds to each server message it delivers. */
export interface MessageMeta {
  /**
   * Audio bytes that were in the message. Transports that play audio themselves (the worker)
   * remove `inlineData.data` of audio parts before the message reaches the main thread.
   */
  audioBytes: number;
  /** `performance.timeOrigin + performance.now()` when the frame arrived. */
  receivedAt: number;
  /**
   * The transport's audio turn that is playing this message's audio (as in `first-audio` and
   * the media's played position). Absent when no audio was played (none, or a dropped late chunk).
   */
  audioTurnId?: number;
}

export interface ConnectionHandlers {
  /** Every server frame after setupComplete, in order (setupComplete itself resolves open()). */
  message(message: ServerMessage, meta: MessageMeta): void;
  /** A frame that could not be parsed; the connection stays open. */
  malformed(error: SerializedError): void;
  /** The socket closed (by either side). Called once. */
  close(info: CloseInfo): void;
}

/** One open connection, after setupComplete. */
export interface LiveConnection {
  readonly id: number;
  /** The setupComplete payload (Vertex adds sessionId). */
  readonly setupComplete: Record<string, unknown>;
  send(message: ClientMessage): void;
  /**
   * Route microphone audio (and video frames) to this connection. Audio captured while no
   * connection was active (pre-connect, reconnecting) is flushed to it first, bounded.
   */
  activate(): void;
  close(code?: number, reason?: string): void;
}

/** Events about media handled inside the transport (worker side). */
export type TransportEvent =
  | { type: 'playback'; underruns: number; bufferedMs: number; lateChunks: number }
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
  | { type: 'error'; error: SerializedError };

export interface LiveTransport {
  /** Opens a connection and resolves after setupComplete. Rejects with a LiveAgentError. */
  open(params: OpenParams, handlers: ConnectionHandlers): Promise<LiveConnection>;
  /** Plug the media graph's ports in (once per session, before or after open). */
  attachMedia?(ports: MediaPorts): Promise<void>;
  /** Mic on/off: off stops sending audio and sends `audioStreamEnd` once. */
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

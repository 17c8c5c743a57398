/**
 * One Gemini Live WebSocket: open → setup → setupComplete (with a timeout), typed close mapping,
 * intents encoded and frames decoded by the codec, malformed frames reported without closing.
 * Frames are handed on as they arrive, also before setupComplete: the session's connection slot
 * is the one place that holds them until the connection is in use. Runs in the worker (with a
 * playback sink that takes the audio out of messages) or on any thread with an injected
 * WebSocket constructor (direct transport, tests).
 */
import {
  ConnectionError,
  ProtocolError,
  serializeError,
  type LiveAgentError,
} from '../core/errors.ts';
import type {
  ClientIntent,
  ConnectionHandlers,
  InboundEvent,
  MessageMeta,
} from '../core/transport.ts';
import type { ServerMessage, SetupBody } from '../core/wire.ts';
import {
  decodeServerMessage,
  encodeClientMessage,
  encodeIntent,
  parseServerFrame,
} from './codec.ts';
import { stripAudio, type AudioSink } from './audio-sink.ts';
import type * as AdkCodec from './adk/worker-codec.ts';

/** The subset of the WebSocket API we use (browsers, workers, `ws` in Node, fakes). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  /** Bytes queued but not yet sent (browsers; absent on some fakes). */
  readonly bufferedAmount?: number;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor (`globalThis.WebSocket`, `ws`, or a fake). */
export type SocketConstructor = new (url: string) => SocketLike;

/** What the wire needs to open: the URL (holds the credential) and the finished setup frame. */
export interface WireOpenParams {
  url: string;
  setup: { setup: SetupBody };
  connectTimeoutMs: number;
}

/**
 * ADK `/run_live`: no setup frame (the session was created over REST), ready once the socket
 * opens, `LiveRequest` out and `Event` in (adk/codec.ts).
 */
export interface AdkWireOpenParams {
  wire: 'adk';
  url: string;
  connectTimeoutMs: number;
  /** What `setupComplete` reports (the ADK session id). */
  setupComplete: Record<string, unknown>;
}

/** Either wire; the worker picks the codec from `wire`. */
export type AnyWireOpenParams = WireOpenParams | AdkWireOpenParams;

export interface ConnectionOptions {
  id: number;
  WebSocket: SocketConstructor;
  /** Where audio parts go; when set, their `data` is removed before the message is delivered. */
  playback?: AudioSink;
  /** The ADK codec (adk/worker-codec.ts, loaded on demand); required for `wire: 'adk'`. */
  adk?: typeof AdkCodec;
}

/**
 * How a wire other than Gemini's reads and writes frames (ADK: adk/worker-codec.ts, its own
 * chunk). Such a wire has no setup frame: the socket opening is the handshake.
 */
export interface WireCodec {
  encode(intent: ClientIntent): string;
  /** One parsed frame: its events, and a Gemini-shaped view of its audio for the sink. */
  decode(message: ServerMessage): { events: InboundEvent[]; view: ServerMessage };
  /** The socket failed or closed before it opened. */
  handshakeError(code: number, reason: string): LiveAgentError;
  /** The error a close after opening carries, if the code means one on this wire. */
  closeError(code: number, reason: string): LiveAgentError | undefined;
}

/** Loads the ADK codec when `params` asks for that wire (a separate chunk: voice on Gemini skips it). */
export async function loadWireCodec(
  params: AnyWireOpenParams,
): Promise<typeof AdkCodec | undefined> {
  return 'wire' in params ? import('./adk/worker-codec.ts') : undefined;
}

/** An open connection after setupComplete. */
export interface WireConnection {
  readonly id: number;
  readonly setupComplete: Record<string, unknown>;
  /** True until close() is called or the socket closes. */
  readonly isOpen: boolean;
  /** Bytes the socket has not sent yet (video is dropped, never audio, when this grows). */
  readonly bufferedAmount: number;
  /** Encodes and sends one intent; throws ConnectionError 'not-connected' once closed. */
  send(intent: ClientIntent): void;
  /** Closes with a code (1000 or 3000–4999; others become 1000) and a reason. */
  close(code?: number, reason?: string): void;
}

const OPEN = 1;
const MAX_REASON_BYTES = 123;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function closeCode(code: number | undefined): number {
  return code === 1000 || (code !== undefined && code >= 3000 && code <= 4999) ? code : 1000;
}

function trimReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  return new TextDecoder().decode(bytes.slice(0, MAX_REASON_BYTES)).replace(/\uFFFD+$/, '');
}

/** The reason an audio part was refused, without its (possibly huge) data. */
function audioProblem(cause: unknown): string {
  const detail = cause instanceof Error ? cause.message : 'refused';
  return `invalid model audio (${detail.slice(0, 120)})`;
}

function notConnected(): ConnectionError {
  return new ConnectionError('not-connected', 'The connection is closed', undefined, '');
}

/** Opens one connection and resolves after setupComplete; rejects with a ConnectionError. */
export function openConnection(
  params: AnyWireOpenParams,
  handlers: ConnectionHandlers,
  options: ConnectionOptions,
): Promise<WireConnection> {
  return new Promise<WireConnection>((resolve, reject) => {
    let socket: SocketLike;
    try {
      socket = new options.WebSocket(params.url);
    } catch (cause) {
      // Never echo the URL: it carries the credential.
      reject(
        new ConnectionError('connection-lost', 'Could not create the WebSocket', undefined, '', {
          cause,
          retryable: true,
        }),
      );
      return;
    }
    socket.binaryType = 'arraybuffer';
    const codec = 'wire' in params ? options.adk?.createWireCodec() : undefined;
    if ('wire' in params && !codec)
      throw new Error('openConnection: the ADK wire needs options.adk');
    let state: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
    let chain: Promise<void> | null = null;

    const timer = setTimeout(() => {
      fail(ConnectionError.timeout(params.connectTimeoutMs));
    }, params.connectTimeoutMs);

    function fail(error: LiveAgentError): void {
      if (state !== 'connecting') return;
      state = 'closed';
      clearTimeout(timer);
      reject(error);
      try {
        socket.close(1000, 'setup failed');
      } catch {
        // Already closing or closed: nothing to release.
      }
    }

    const connection: WireConnection = {
      id: options.id,
      setupComplete: {},
      get isOpen() {
        return state === 'open';
      },
      get bufferedAmount() {
        return socket.bufferedAmount ?? 0;
      },
      send(intent) {
        if (state !== 'open' || socket.readyState !== OPEN) throw notConnected();
        socket.send(codec ? codec.encode(intent) : encodeClientMessage(encodeIntent(intent)));
      },
      close(code, reason = 'client closed') {
        if (state !== 'open') return;
        state = 'closing';
        socket.close(closeCode(code), trimReason(reason));
      },
    };

    function handle(data: string | ArrayBuffer | ArrayBufferView): void {
      const receivedAt = now();
      let message: ServerMessage;
      try {
        message = parseServerFrame(data);
      } catch (error) {
        if (state !== 'closed') handlers.malformed(serializeError(error));
        return;
      }
      if (codec) {
        handleOther(codec, message, receivedAt);
        return;
      }
      if (state === 'connecting' && message.setupComplete !== undefined) {
        state = 'open';
        clearTimeout(timer);
        (connection as { setupComplete: Record<string, unknown> }).setupComplete =
          message.setupComplete ?? {};
        const rest = { ...message };
        delete rest.setupComplete;
        resolve(connection);
        if (Object.keys(rest).length > 0) handle(JSON.stringify(rest));
        return;
      }
      if (state === 'closed') return;
      try {
        const { audioBytes, audioTurnId, errors } = stripAudio(
          message,
          receivedAt,
          options.playback,
        );
        for (const cause of errors)
          handlers.malformed(serializeError(ProtocolError.malformed(audioProblem(cause), cause)));
        const meta: MessageMeta = {
          audioBytes,
          receivedAt,
          ...(audioTurnId > 0 && { audioTurnId }),
        };
        handlers.message({ raw: message, events: decodeServerMessage(message) }, meta);
      } catch (cause) {
        // Never let a frame's shape throw out of the socket handler: in the worker that is an
        // uncaught error, which the main side would take for a dead worker.
        handlers.malformed(
          serializeError(ProtocolError.malformed('unexpected message shape', cause)),
        );
      }
    }

    function handleOther(wire: WireCodec, message: ServerMessage, receivedAt: number): void {
      const { events, view } = wire.decode(message);
      const { audioBytes, audioTurnId } = stripAudio(view, receivedAt, options.playback);
      const meta: MessageMeta = { audioBytes, receivedAt, ...(audioTurnId > 0 && { audioTurnId }) };
      if (state !== 'closed') handlers.message({ raw: message, events }, meta);
    }

    socket.onopen = () => {
      if (state !== 'connecting') return;
      if ('wire' in params) {
        state = 'open';
        clearTimeout(timer);
        (connection as { setupComplete: Record<string, unknown> }).setupComplete =
          params.setupComplete;
        resolve(connection);
        return;
      }
      try {
        socket.send(JSON.stringify(params.setup));
      } catch (cause) {
        fail(
          new ConnectionError('connection-lost', 'Could not send setup', undefined, '', {
            cause,
            retryable: true,
          }),
        );
      }
    };
    socket.onmessage = (event) => {
      const data = event.data;
      // Blob frames decode asynchronously: keep later frames behind them so order holds.
      if (chain || (typeof Blob !== 'undefined' && data instanceof Blob)) {
        chain = (chain ?? Promise.resolve())
          .then(async () => handle(data instanceof Blob ? await data.text() : (data as string)))
          .catch((error: unknown) => handlers.malformed(serializeError(error)));
        const mine = chain;
        void mine.then(() => {
          if (chain === mine) chain = null;
        });
        return;
      }
      handle(data as string | ArrayBuffer);
    };
    socket.onerror = () => {
      if (codec) return fail(codec.handshakeError(1006, ''));
      fail(
        new ConnectionError(
          'connection-lost',
          'WebSocket failed before setup completed',
          undefined,
          '',
          { retryable: true },
        ),
      );
    };
    socket.onclose = (event) => {
      if (state === 'connecting') {
        fail(
          codec
            ? codec.handshakeError(event.code, event.reason)
            : ConnectionError.fromClose(event.code, event.reason),
        );
        return;
      }
      if (state === 'closed') return;
      const report = () => {
        if (state === 'closed') return;
        state = 'closed';
        const info = { code: event.code, reason: event.reason };
        const error = codec?.closeError(info.code, info.reason);
        handlers.close(error ? { ...info, error: serializeError(error) } : info);
      };
      // Blob frames still decoding came before the close: a resumption handle or goAway sent
      // right before it would otherwise be dropped (frames after 'closed' are ignored).
      if (chain) void chain.then(report);
      else report();
    };
  });
}

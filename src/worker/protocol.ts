/**
 * The RPC surface of live.worker.ts and the messages on its ports, as discriminated unions.
 * Calls go through comlink; per-connection server messages and transport events travel on
 * dedicated MessagePorts (one postMessage each, no RPC round trip per frame).
 */
import type { SerializedError } from '../core/errors.ts';
import type {
  ClientIntent,
  CloseInfo,
  InboundFrame,
  MessageMeta,
  TransportEvent,
} from '../core/transport.ts';
import type { VideoEncodeSettings } from '../core/video.ts';
import type { AnyWireOpenParams } from '../transport/connection.ts';

/** Result of `open`: errors travel as data so they arrive typed (comlink would flatten them). */
export type OpenResult =
  { ok: true; setupComplete: Record<string, unknown> } | { ok: false; error: SerializedError };

/** Result of calls that can fail after the fact (send on a closed connection). */
export type CallResult = { ok: true } | { ok: false; error: SerializedError };

/** Worker → main, on the port given to `open`. Ends with exactly one `close` (after setup). */
export type ConnectionPortMessage =
  | { type: 'message'; frame: InboundFrame; meta: MessageMeta }
  /** Frames in arrival order, crossing together (./frame-batch.ts). */
  | { type: 'messages'; items: { frame: InboundFrame; meta: MessageMeta }[] }
  | { type: 'malformed'; error: SerializedError }
  | { type: 'close'; info: CloseInfo };

/** Worker → main, on the port given to `subscribe`. */
export type EventPortMessage = { type: 'event'; event: TransportEvent };

/** The worklet ports and their AudioContext rates. */
export interface WorkerMedia {
  capture?: { port: MessagePort; sampleRate: number; frameMs?: number };
  playback?: { port: MessagePort; sampleRate: number };
}

/** What live.worker.ts exposes. */
export interface WorkerApi {
  /** Opens connection `id` (setup frame and URL built on the main thread). */
  open(id: number, params: AnyWireOpenParams, port: MessagePort): Promise<OpenResult>;
  /** Encodes one session intent (the codec runs here) and sends it on `id`. */
  send(id: number, intent: ClientIntent): CallResult;
  /** Routes microphone audio to `id`, flushing what was buffered meanwhile. */
  activate(id: number): void;
  close(id: number, code?: number, reason?: string): void;
  /** Plugs the capture/playback worklet ports in; creates the audio pipes. */
  attachMedia(media: WorkerMedia): void;
  /** Starts a video run on `port` (replacing the previous one); frames go to the active connection. */
  attachVideo(port: MessagePort, settings: VideoEncodeSettings): void;
  /** Off: audio is discarded and one `audioStreamEnd` goes to the active connection. */
  setMicEnabled(enabled: boolean): void;
  /** Transport events (playback stats, first audio, …) are posted to this port. */
  subscribe(port: MessagePort): void;
  /** Closes every connection and pipe. */
  dispose(): void;
}

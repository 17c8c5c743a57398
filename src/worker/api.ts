/**
 * The worker's RPC implementation, separate from live.worker.ts so tests can expose it over a
 * real MessageChannel in one thread with a fake WebSocket and fake pipes injected.
 */
import { ConnectionError, serializeError } from '../core/errors.ts';
import type { TransportEvent } from '../core/transport.ts';
import {
  loadWireCodec,
  openConnection,
  type SocketConstructor,
  type WireConnection,
} from '../transport/connection.ts';
import type { AudioSink } from '../transport/audio-sink.ts';
import type { CapturePipe, CreateCapturePipe, CreatePlaybackPipe, PlaybackPipe } from './pipes.ts';
import type {
  ConnectionPortMessage,
  EventPortMessage,
  WorkerApi,
  WorkerMedia,
} from './protocol.ts';
import { frameBatch } from './frame-batch.ts';
import { CaptureRouter } from './router.ts';
import type { VideoPipe } from './video-pipe.ts';

export interface WorkerDeps {
  WebSocket: SocketConstructor;
  createCapturePipe: CreateCapturePipe;
  createPlaybackPipe: CreatePlaybackPipe;
  /** Pre-connect audio buffer bound (default 5000 ms). */
  maxBufferMs?: number;
  /** Audio resent to the next connection after an abrupt close (default 100 ms; 0: off). */
  resendMs?: number;
}

function unknownConnection(id: number): ConnectionError {
  return new ConnectionError('not-connected', `No open connection ${id}`, undefined, '');
}

/** Builds the object live.worker.ts exposes with comlink. */
export function createWorkerApi(deps: WorkerDeps): WorkerApi {
  const connections = new Map<number, { wire: WireConnection; port: MessagePort }>();
  const eventPorts: MessagePort[] = [];
  let capture: CapturePipe | null = null;
  let playback: PlaybackPipe | null = null;
  let micEnabled = true;
  // Video follows the audio's active connection; frames with none are dropped, never buffered.
  let video: VideoPipe | null = null;
  let activeWire: WireConnection | null = null;
  // Bumped by each attachVideo/dispose: a pipe whose code loads after a newer call is dropped.
  let videoSeq = 0;

  const emit = (event: TransportEvent): void => {
    const msg: EventPortMessage = { type: 'event', event };
    for (const port of eventPorts) port.postMessage(msg);
  };
  const router = new CaptureRouter({
    maxBufferMs: deps.maxBufferMs,
    resendMs: deps.resendMs,
    onEvent: emit,
  });
  // Connections outlive pipe swaps: the sink always targets the current playback pipe.
  const sink: AudioSink = {
    push: (data, rate, at) => playback?.push(data, rate, at) ?? 0,
    interrupt: (at) => playback?.interrupt(at),
    endTurn: () => playback?.endTurn(),
  };

  return {
    async open(id, params, port) {
      const post = (msg: ConnectionPortMessage): void => port.postMessage(msg);
      const frames = frameBatch(post);
      try {
        // The ADK codec is its own chunk, fetched only when such a connection opens.
        const adk = await loadWireCodec(params);
        const wire = await openConnection(
          params,
          {
            message: (frame, meta) => frames.add(frame, meta),
            malformed: (error) => {
              frames.flush();
              post({ type: 'malformed', error });
            },
            close: (info) => {
              frames.flush();
              const entry = connections.get(id);
              // Anything but a normal close may have lost the audio in flight: resend it.
              if (entry) router.release(entry.wire, info.code !== 1000);
              if (entry?.wire === activeWire) activeWire = null;
              connections.delete(id);
              // The main side closes the port after reading this (closing here could drop it).
              post({ type: 'close', info });
            },
          },
          { id, WebSocket: deps.WebSocket, playback: sink, adk },
        );
        connections.set(id, { wire, port });
        return { ok: true, setupComplete: wire.setupComplete };
      } catch (error) {
        port.close();
        return { ok: false, error: serializeError(error) };
      }
    },

    send(id, intent) {
      const entry = connections.get(id);
      try {
        if (!entry) throw unknownConnection(id);
        entry.wire.send(intent);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: serializeError(error) };
      }
    },

    activate(id) {
      const entry = connections.get(id);
      if (entry) router.activate(entry.wire);
      if (entry) activeWire = entry.wire;
    },

    close(id, code, reason) {
      connections.get(id)?.wire.close(code, reason);
    },

    attachMedia(media: WorkerMedia) {
      if (media.capture) {
        capture?.close();
        capture = deps.createCapturePipe(
          {
            port: media.capture.port,
            inputRate: media.capture.sampleRate,
            frameMs: media.capture.frameMs,
          },
          (frame) => router.handleFrame(frame),
          emit, // speech-start / speech-end of the local VAD
        );
        capture.setEnabled(micEnabled);
      }
      if (media.playback) {
        playback?.close();
        playback = deps.createPlaybackPipe(
          { port: media.playback.port, outputRate: media.playback.sampleRate },
          emit,
        );
      }
    },

    attachVideo(port, settings) {
      video?.close();
      video = null;
      const seq = ++videoSeq;
      // The video pipe is its own chunk, fetched on the first attach; the port queues frames meanwhile.
      void import('./video-pipe.ts').then(({ createVideoPipe }) => {
        if (seq !== videoSeq) return port.close();
        // Video is dropped first: no frame goes to a socket the microphone audio is waiting for.
        video = createVideoPipe(port, settings, () => (router.congested ? null : activeWire));
      });
    },

    setMicEnabled(enabled) {
      micEnabled = enabled;
      capture?.setEnabled(enabled);
      router.setMicEnabled(enabled);
    },

    subscribe(port) {
      eventPorts.push(port);
    },

    dispose() {
      for (const { wire } of connections.values()) wire.close(1000, 'disposed');
      capture?.close();
      playback?.close();
      video?.close();
      videoSeq++;
      capture = playback = null;
      video = null;
      for (const port of eventPorts) port.close();
      eventPorts.length = 0;
    },
  };
}

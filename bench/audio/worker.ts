/**
 * Benchmark worker: the SDK's worker RPC built exactly as src/worker/live.worker.ts builds it
 * (real WebSocket, real capture and playback pipes), except that the capture pipe factory is
 * wrapped to log each frame's `capturedAt`, in order, so Node can match frames by order with
 * what the emulator received. Nothing else on the SDK path is instrumented.
 */
import { expose } from 'comlink';
import type { SocketConstructor } from '../../src/transport/connection.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import { createCapturePipe } from '../../src/worker/capture-pipe.ts';
import type { CreateCapturePipe } from '../../src/worker/pipes.ts';
import { createPlaybackPipe } from '../../src/worker/playback-pipe.ts';
import { CAPTURE_LOG_CHANNEL, fingerprint, type CaptureLog } from './capture-log.ts';

const log: CaptureLog = { capturedAt: [], fingerprints: [] };

const loggingCapturePipe: CreateCapturePipe = (options, onFrame, onEvent) =>
  createCapturePipe(
    options,
    (frame) => {
      // Logged after the hand-off to the router, so the log costs the frame nothing.
      onFrame(frame);
      log.capturedAt.push(frame.capturedAt);
      log.fingerprints.push(fingerprint(frame.data));
    },
    onEvent,
  );

const channel = new BroadcastChannel(CAPTURE_LOG_CHANNEL);
channel.onmessage = () => channel.postMessage(log);

expose(
  createWorkerApi({
    WebSocket: WebSocket as unknown as SocketConstructor,
    createCapturePipe: loggingCapturePipe,
    createPlaybackPipe,
  }),
);

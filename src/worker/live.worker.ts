/**
 * The module Worker that owns the Live WebSocket and the audio pipes (docs/architecture.md, Threads).
 * Built to dist/live-agent.worker.js; the main thread talks to it through worker-transport.ts.
 * The element also starts one to draw its level meters off the main thread (src/meter/paint.ts):
 * the same file, so strict CSP pages need no extra worker source.
 */
import { expose } from 'comlink';
import { serveMeter } from '../meter/paint.ts';
import type { SocketConstructor } from '../transport/connection.ts';
import { createWorkerApi } from './api.ts';
import { createCapturePipe } from './capture-pipe.ts';
import { createPlaybackPipe } from './playback-pipe.ts';

serveMeter(self);
expose(
  createWorkerApi({
    WebSocket: WebSocket as unknown as SocketConstructor,
    createCapturePipe,
    createPlaybackPipe,
  }),
);

/**
 * The module Worker that owns the Live WebSocket and the audio pipes (docs/architecture.md, Threads).
 * Built to dist/live-agent.worker.js; the main thread talks to it through worker-transport.ts.
 */
import { expose } from 'comlink';
import type { SocketConstructor } from '../transport/connection.ts';
import { createWorkerApi } from './api.ts';
import { createCapturePipe } from './capture-pipe.ts';
import { createPlaybackPipe } from './playback-pipe.ts';

expose(
  createWorkerApi({
    WebSocket: WebSocket as unknown as SocketConstructor,
    createCapturePipe,
    createPlaybackPipe,
  }),
);

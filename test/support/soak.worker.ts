/// <reference lib="webworker" />
/**
 * The transport worker of the soak test: the SDK's own worker API, WebSocket and playback pipe,
 * with a numbered microphone instead of the worklet's audio. Frame n (20 ms at 16 kHz) carries n
 * in every sample, so the emulator's received audio tells exactly which frames arrived, which
 * never did and which arrived twice, across every reconnect and hand-off the session makes.
 */
import { expose } from 'comlink';
import { encodeBase64 } from '../../src/dsp/index.ts';
import type { SocketConstructor } from '../../src/transport/connection.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import type { CaptureFrame, CreateCapturePipe } from '../../src/worker/pipes.ts';
import { createPlaybackPipe } from '../../src/worker/playback-pipe.ts';
import { LoggedSocket } from './soak-log.ts';

const now = () => performance.timeOrigin + performance.now();

function numbered(n: number): CaptureFrame {
  const pcm = new Uint16Array(320).fill(n & 0xffff);
  const at = now();
  return {
    data: encodeBase64(new Uint8Array(pcm.buffer)),
    samples: 320,
    rms: 0,
    at,
    capturedAt: at,
  };
}

/** 50 frames a second by the wall clock (a starved timer catches up), numbered from 1. */
const createCapturePipe: CreateCapturePipe = (options, onFrame) => {
  // The worklet's audio is not used; its port is closed with the pipe.
  options.port.onmessage = null;
  const start = performance.now();
  let n = 0;
  let enabled = true;
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - start) / 20);
    while (n < due) {
      n++;
      if (enabled) onFrame(numbered(n));
    }
  }, 20);
  return {
    setEnabled(next) {
      enabled = next;
    },
    close() {
      clearInterval(timer);
      options.port.close();
    },
  };
};

expose(
  createWorkerApi({
    // Reports what each socket was given, to explain a lost frame (soak-log.ts).
    WebSocket: LoggedSocket as unknown as SocketConstructor,
    createCapturePipe,
    createPlaybackPipe,
  }),
);

/**
 * Fakes for the transport tests: a WebSocket class with server-side helpers, recording audio
 * pipes. Real MessageChannels are used elsewhere; nothing here mocks our own modules.
 */
import type { SocketLike } from '../../src/transport/connection.ts';
import type {
  CaptureEvent,
  CaptureFrame,
  CapturePipeOptions,
  CreateCapturePipe,
  CreatePlaybackPipe,
  PlaybackEvent,
  PlaybackPipeOptions,
} from '../../src/worker/pipes.ts';

export interface FakeSocket extends SocketLike {
  url: string;
  sent: string[];
  /** Parsed client frames. */
  readonly frames: Record<string, unknown>[];
  closedWith: { code?: number; reason?: string } | null;
  serverOpen(): void;
  serverSend(data: unknown): void;
  serverClose(code: number, reason?: string): void;
  serverError(): void;
}

/** A WebSocket constructor whose instances are kept in `sockets`. */
export function fakeSocketClass(): {
  WebSocket: new (url: string) => FakeSocket;
  sockets: FakeSocket[];
} {
  const sockets: FakeSocket[] = [];
  class Fake implements FakeSocket {
    binaryType = 'blob';
    readyState = 0;
    onopen: SocketLike['onopen'] = null;
    onmessage: SocketLike['onmessage'] = null;
    onerror: SocketLike['onerror'] = null;
    onclose: SocketLike['onclose'] = null;
    sent: string[] = [];
    closedWith: { code?: number; reason?: string } | null = null;
    constructor(public url: string) {
      sockets.push(this);
    }
    get frames() {
      return this.sent.map((s) => JSON.parse(s) as Record<string, unknown>);
    }
    send(data: string) {
      if (this.readyState !== 1) throw new Error('InvalidStateError');
      this.sent.push(data);
    }
    close(code?: number, reason?: string) {
      if (this.readyState >= 2) return;
      this.closedWith = { code, reason };
      this.readyState = 2;
      // Like a browser: the close event comes later, echoing our code.
      setTimeout(() => this.serverClose(code ?? 1005, reason ?? ''), 0);
    }
    serverOpen() {
      this.readyState = 1;
      this.onopen?.({});
    }
    serverSend(data: unknown) {
      const wire =
        typeof data === 'string' ||
        data instanceof ArrayBuffer ||
        data instanceof Blob ||
        ArrayBuffer.isView(data)
          ? data
          : JSON.stringify(data);
      this.onmessage?.({ data: wire });
    }
    serverClose(code: number, reason = '') {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }
    serverError() {
      this.onerror?.({});
    }
  }
  return { WebSocket: Fake, sockets };
}

/** Recording capture and playback pipe factories. */
export function fakePipes() {
  const log: string[] = [];
  const capture = {
    options: null as CapturePipeOptions | null,
    emitFrame: (_frame: CaptureFrame): void => {},
    emitEvent: (_event: CaptureEvent): void => {},
    enabled: true,
    closed: false,
  };
  const playback = {
    options: null as PlaybackPipeOptions | null,
    pushes: [] as { data: string; sampleRate: number }[],
    /** The audio turn push() reports (0: dropped). */
    turnId: 1,
    emitEvent: (_event: PlaybackEvent): void => {},
    closed: false,
  };
  const createCapturePipe: CreateCapturePipe = (options, onFrame, onEvent) => {
    capture.options = options;
    capture.emitFrame = onFrame;
    capture.emitEvent = onEvent;
    return {
      setEnabled: (enabled) => {
        capture.enabled = enabled;
      },
      close: () => {
        capture.closed = true;
      },
    };
  };
  const createPlaybackPipe: CreatePlaybackPipe = (options, onEvent) => {
    playback.options = options;
    playback.emitEvent = onEvent;
    return {
      push: (data, sampleRate) => {
        log.push('push');
        playback.pushes.push({ data, sampleRate });
        return playback.turnId;
      },
      interrupt: () => log.push('interrupt'),
      endTurn: () => log.push('endTurn'),
      close: () => {
        playback.closed = true;
      },
    };
  };
  return { log, capture, playback, createCapturePipe, createPlaybackPipe };
}

/** A 20 ms capture frame whose data names its sequence number. */
export function frame(n: number): CaptureFrame {
  return { data: `f${n}`, samples: 320, rms: 0.1, at: n * 20, capturedAt: n * 20 - 10 };
}

/**
 * One video run in the dedicated video worker (video.worker.ts): frames arrive as a transferred
 * VideoFrame stream (pulled one per tick) or as transferred ImageBitmaps; each due frame is
 * thumbnailed and compared with the last one sent, scaled to ≤ maxSize, encoded as JPEG with
 * OffscreenCanvas.convertToBlob and base64'd here, then handed to the transport's worker, which
 * only sends it (or drops it when the socket is behind). This thread, not the one that carries the
 * microphone and the socket, pays for the pixels. The next frame is not encoded before the
 * transport worker has answered: at most one frame is ever pending.
 */
import type { VideoEncodeSettings } from '../core/video.ts';
import type {
  VideoAnswerMessage,
  VideoFeedMessage,
  VideoJpegMessage,
  VideoPipeMessage,
} from '../video/messages.ts';
import { encodeBase64 } from '../dsp/base64.ts';
import { fitSize } from './video-fit.ts';
import { ChangeDetector, FrameScheduler, THUMB_H, THUMB_W, lumaOf } from './frame-change.ts';

export interface VideoEncoder {
  close(): void;
}

type Source = VideoFrame | ImageBitmap;

function sizeOf(frame: Source): { w: number; h: number } {
  return 'displayWidth' in frame
    ? { w: frame.displayWidth, h: frame.displayHeight }
    : { w: frame.width, h: frame.height };
}

export function createVideoEncoder(
  feed: MessagePort,
  socket: MessagePort,
  settings: VideoEncodeSettings,
): VideoEncoder {
  const scheduler = new FrameScheduler(settings.fps);
  const detector = new ChangeDetector(settings.changeThreshold, settings.refreshMs);
  const thumbCanvas = new OffscreenCanvas(THUMB_W, THUMB_H);
  const thumbCtx = thumbCanvas.getContext('2d', { willReadFrequently: true })!;
  let closed = false;
  let reader: ReadableStreamDefaultReader<VideoFrame> | null = null;
  /** Settles with the transport worker's answer to the frame in flight (null: dropped). */
  let answer: ((socketMs: number | null) => void) | null = null;
  const post = (m: VideoPipeMessage, transfer: Transferable[] = []): void => {
    if (!closed) feed.postMessage(m, transfer);
  };

  async function handle(frame: Source): Promise<void> {
    const now = performance.now();
    try {
      if (!scheduler.take(now)) return;
      try {
        await encode(frame, now);
      } finally {
        scheduler.finish();
      }
    } finally {
      frame.close();
    }
  }

  async function encode(frame: Source, now: number): Promise<void> {
    const t0 = performance.now();
    thumbCtx.drawImage(frame, 0, 0, THUMB_W, THUMB_H);
    const thumb = lumaOf(thumbCtx.getImageData(0, 0, THUMB_W, THUMB_H).data);
    if (!detector.shouldSend(thumb, now)) return post({ type: 'skipped' });
    const { w, h } = sizeOf(frame);
    const { width, height } = fitSize(w, h, settings.maxSize);
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')!.drawImage(frame, 0, 0, width, height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: settings.quality });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const data = encodeBase64(bytes);
    const encodeMs = performance.now() - t0;
    if (closed) return;
    const socketMs = await new Promise<number | null>((resolve) => {
      answer = resolve;
      socket.postMessage({ type: 'jpeg', data } satisfies VideoJpegMessage);
    });
    if (socketMs === null) return post({ type: 'dropped' });
    detector.sent(thumb, now);
    post({ type: 'sent', width, height, bytes: bytes.length, encodeMs, socketMs });
    if (settings.preview) {
      const bitmap = canvas.transferToImageBitmap();
      post({ type: 'preview', bitmap }, [bitmap]);
    }
  }

  /** Pulls one frame per tick: the processor drops the rest without running any script. */
  async function pull(readable: ReadableStream<VideoFrame>): Promise<void> {
    reader?.cancel().catch(() => undefined);
    const r = (reader = readable.getReader());
    while (!closed && reader === r) {
      const wait = scheduler.waitMs(performance.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (closed || reader !== r) break;
      const { value, done } = await r.read().catch(() => ({ value: undefined, done: true }));
      if (done || !value) break;
      if (closed) {
        value.close();
        break;
      }
      await handle(value);
    }
  }

  socket.onmessage = (e: MessageEvent<VideoAnswerMessage>) => {
    const settle = answer;
    answer = null;
    settle?.(e.data.type === 'sent' ? e.data.ms : null);
  };

  feed.onmessage = (e: MessageEvent<VideoFeedMessage>) => {
    const m = e.data;
    if (m.type === 'stream') void pull(m.readable);
    else if (m.type === 'frame') {
      void handle(m.bitmap).finally(() => post({ type: 'done' }));
    } else encoder.close();
  };

  post({ type: 'ready' });
  const encoder: VideoEncoder = {
    close() {
      if (closed) return;
      closed = true;
      reader?.cancel().catch(() => undefined);
      reader = null;
      answer?.(null);
      answer = null;
      feed.onmessage = socket.onmessage = null;
      feed.close();
      socket.close();
    },
  };
  return encoder;
}

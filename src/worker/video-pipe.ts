/**
 * The transport worker's side of a video run: finished JPEG frames (already scaled, encoded and
 * base64'd by the dedicated video worker, video-encoder.ts) arrive on a MessagePort and go out on
 * the active connection. Video is the first thing dropped: with no connection, or a socket holding
 * more unsent bytes than the bound, the frame is dropped. Every frame gets an answer, which the
 * video worker waits for before encoding the next. Nothing here touches pixels: the microphone and
 * the socket share this thread.
 */
import type { VideoEncodeSettings } from '../core/video.ts';
import type { VideoAnswerMessage, VideoJpegMessage } from '../video/messages.ts';
import type { WireConnection } from '../transport/connection.ts';

/** The connection frames go to, with the socket's unsent bytes (null: none active). */
export type VideoTarget = () => (WireConnection & { readonly bufferedAmount?: number }) | null;

export interface VideoPipe {
  close(): void;
}

export function createVideoPipe(
  port: MessagePort,
  settings: Pick<VideoEncodeSettings, 'maxBufferedBytes'>,
  target: VideoTarget,
): VideoPipe {
  let t0 = 0;
  const answer = (type: VideoAnswerMessage['type']): void =>
    port.postMessage({ type, ms: performance.now() - t0 } satisfies VideoAnswerMessage);

  port.onmessage = (e: MessageEvent<VideoJpegMessage>) => {
    t0 = performance.now();
    const wire = target();
    if (!wire?.isOpen || (wire.bufferedAmount ?? 0) > settings.maxBufferedBytes)
      return answer('dropped');
    try {
      wire.send({ type: 'video', data: e.data.data, mimeType: 'image/jpeg' });
    } catch {
      return answer('dropped');
    }
    answer('sent');
  };

  return {
    close() {
      port.onmessage = null;
      port.close();
    },
  };
}

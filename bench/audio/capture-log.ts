/**
 * The bench worker's log of capture frames, in the order the capture pipe produced them, and the
 * channel the page reads it over (comlink owns the worker's own message port).
 */

/** BroadcastChannel name: the page posts anything, the worker answers with its log. */
export const CAPTURE_LOG_CHANNEL = 'live-agent-audio-bench-capture-log';

export interface CaptureLog {
  /** `CaptureFrame.capturedAt` of every frame (wall clock, ms). */
  capturedAt: number[];
  /** {@link fingerprint} of every frame: proves the order match with what the emulator got. */
  fingerprints: string[];
}

/** A short slice of a frame's base64 payload (about 12 samples from its middle). */
export function fingerprint(base64: string): string {
  return base64.slice(400, 432);
}

/** Page side: asks the bench worker for its log (rejects when no worker answers within 5 s). */
export function readCaptureLog(): Promise<CaptureLog> {
  const channel = new BroadcastChannel(CAPTURE_LOG_CHANNEL);
  return new Promise<CaptureLog>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench worker did not answer')), 5000);
    channel.onmessage = (e: MessageEvent<CaptureLog>) => {
      clearTimeout(timer);
      channel.close();
      resolve(e.data);
    };
    channel.postMessage('log');
  });
}

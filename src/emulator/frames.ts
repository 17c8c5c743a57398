/** Frame records: what crossed a session's socket, kept for assertions in tests. */
import type { FrameRecord } from './types.ts';

/** Parses and (when `into` is given) stores one frame. */
export function record(raw: string, binary: boolean, into: FrameRecord[] | undefined): FrameRecord {
  let message: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      message = parsed as Record<string, unknown>;
    }
  } catch {
    message = undefined; // malformed frames are recorded raw; the session decides what to do
  }
  const frame: FrameRecord = { at: Date.now(), raw, binary, message };
  into?.push(frame);
  return frame;
}

/** Anything that emits `message` events with frames (a session). */
export interface MessageSource {
  on(event: 'message', listener: (frame: FrameRecord) => void): unknown;
  off(event: 'message', listener: (frame: FrameRecord) => void): unknown;
}

/** Resolves with the first frame in `past`, or the next `message` event, that passes `test`. */
export function waitForFrame(
  emitter: MessageSource,
  past: readonly FrameRecord[],
  test: (frame: FrameRecord) => boolean,
  timeoutMs: number,
  label: string,
): Promise<FrameRecord> {
  const found = past.find(test);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onMessage = (f: FrameRecord): void => {
      if (!test(f)) return;
      clearTimeout(timer);
      emitter.off('message', onMessage);
      resolve(f);
    };
    const timer = setTimeout(() => {
      emitter.off('message', onMessage);
      reject(new Error(`${label}: no matching client message within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.on('message', onMessage);
  });
}

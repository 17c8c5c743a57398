/**
 * Which server frames cross to the main thread at once. While the model speaks, most frames are
 * audio: the worker plays them, and what is left for the main thread (the frame without its
 * audio data, a count for `getStats()`) changes nothing it shows once the reply has started.
 * Each crossing is a main-thread task (about twenty-five a second while a reply streams in), so
 * a frame that only continues the audio of the reply already announced waits, at most
 * {@link FRAME_BATCH_MS}, and crosses with the frames after it: with the next frame that says
 * anything else (a caption, the turn's end, an interruption), or alone when that time is up.
 * Order is kept: waiting frames always go first. The first audio of each reply crosses at once
 * (it marks the agent speaking), and so does every other kind of frame.
 */
import type { InboundFrame, MessageMeta } from '../core/transport.ts';
import type { ConnectionPortMessage } from './protocol.ts';

/** Longest an audio-only frame waits to cross with others. */
export const FRAME_BATCH_MS = 250;

type Item = { frame: InboundFrame; meta: MessageMeta };

/** A connection's frames, posted in arrival order, audio continuations held back a little. */
export interface FrameBatch {
  /** One frame, in arrival order. */
  add(frame: InboundFrame, meta: MessageMeta): void;
  /** Posts what waits (in one message); call before any other post. */
  flush(): void;
}

/** Posts a connection's frames to `post`, holding audio continuations back a little. */
export function frameBatch(post: (msg: ConnectionPortMessage) => void): FrameBatch {
  let held: Item[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The audio turn of the last audio frame posted or held (0: none yet). */
  let turn = 0;
  const flush = (next?: Item): void => {
    clearTimeout(timer);
    timer = undefined;
    const items = next ? [...held, next] : held;
    held = [];
    if (items.length === 1) post({ type: 'message', ...items[0]! });
    else if (items.length > 1) post({ type: 'messages', items });
  };
  return {
    add(frame, meta) {
      const t = meta.audioTurnId ?? 0;
      const continues =
        t > 0 && t === turn && frame.events.every((e) => e.type === 'content' && !e.text.length);
      if (t > 0) turn = t;
      if (!continues) return flush({ frame, meta });
      held.push({ frame, meta });
      timer ??= setTimeout(flush, FRAME_BATCH_MS);
    },
    flush: () => flush(),
  };
}

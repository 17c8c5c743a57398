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

/** Posts a connection's frames to `post`, holding audio continuations back a little. */
export class FrameBatch {
  private held: Item[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The audio turn of the last audio frame posted or held (0: none yet). */
  private turn = 0;

  constructor(private readonly post: (msg: ConnectionPortMessage) => void) {}

  /** One frame, in arrival order. */
  add(frame: InboundFrame, meta: MessageMeta): void {
    const turn = meta.audioTurnId ?? 0;
    const continues =
      turn > 0 &&
      turn === this.turn &&
      frame.events.every((e) => e.type === 'content' && e.text.length === 0);
    if (turn > 0) this.turn = turn;
    if (continues) {
      this.held.push({ frame, meta });
      this.timer ??= setTimeout(() => this.flush(), FRAME_BATCH_MS);
    } else this.flush({ frame, meta });
  }

  /** Posts what waits, with `next` after it (one message); call before any other post. */
  flush(next?: Item): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = next ? [...this.held, next] : this.held;
    this.held = [];
    if (items.length === 1) this.post({ type: 'message', ...items[0]! });
    else if (items.length > 1) this.post({ type: 'messages', items });
  }
}

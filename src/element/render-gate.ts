/**
 * Whether `<live-agent>` draws a snapshot now. Every draw that changes the screen costs the main
 * thread a rendering frame (style, layout, paint, commit), so two kinds of snapshot wait:
 *
 * - A hidden page shows nothing: while the status holds, a conversation's snapshots wait, and one
 *   render catches up when the page is seen again. A status change still renders at once: it
 *   starts or stops the meter's worker and the timers.
 * - While the agent speaks, its caption grows a few words per audio chunk (about eight times a
 *   second): most of the element's frames. Growth of that one caption and nothing else is drawn
 *   at most {@link CAPTION_HZ} times a second, the newest text each time; anything else (who
 *   speaks, a new or finished turn, an interruption, the status) draws at once, pending text with
 *   it. Draws closer together than a frame share it, so a burst within one task is never held.
 */
import type { LiveAgentSnapshot } from '../core/types.ts';

/** Draws a second of a growing agent caption, at most (each ≤ 250 ms behind its text). */
export const CAPTION_HZ = 4;
/** Draws closer than this share one rendering frame: holding one back saves nothing. */
const SAME_FRAME_MS = 16;
/** Snapshot fields that may change while only the caption grows (shown only in the metrics panel). */
const QUIET_FIELDS: ReadonlySet<string> = new Set(['transcript', 'usage', 'metrics']);

/** `next` differs from `drawn` only by the agent's caption growing while it speaks. */
export function captionGrowth(drawn: LiveAgentSnapshot, next: LiveAgentSnapshot): boolean {
  if (!next.agentSpeaking) return false;
  for (const key of Object.keys(next) as (keyof LiveAgentSnapshot)[])
    if (!QUIET_FIELDS.has(key) && !Object.is(drawn[key], next[key])) return false;
  const a = drawn.transcript;
  const b = next.transcript;
  const last = b.length - 1;
  if (a === b || a.length !== b.length || last < 0) return false;
  for (let i = 0; i < last; i++) if (a[i] !== b[i]) return false;
  const was = a[last]!;
  const now = b[last]!;
  return (
    now !== was &&
    now.id === was.id &&
    now.role === 'model' &&
    !now.final &&
    !now.interrupted &&
    !was.interrupted &&
    now.text.startsWith(was.text)
  );
}

export class RenderGate {
  /** The snapshot last drawn, and when. */
  private drawn: LiveAgentSnapshot | null = null;
  private drawnAt = -Infinity;
  /** A render waits for the page to be seen again. */
  private deferred = false;
  /** A held caption's draw. */
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param draw renders the element (called when a held render falls due). */
  constructor(
    private readonly el: HTMLElement,
    private readonly draw: () => void,
  ) {}

  /**
   * True when `s` should be drawn now (then it counts as drawn); false when it waits. Only a new
   * snapshot (`fromSession`) may wait for the caption rate: the element's own renders (a press,
   * an attribute, a hint) draw at once.
   */
  open(s: LiveAgentSnapshot, fromSession = false): boolean {
    const doc = this.el.ownerDocument;
    const drawn = this.drawn;
    if (!this.el.isConnected) return this.drew(s);
    if (doc.visibilityState === 'hidden' && s.status === drawn?.status) {
      if (!this.deferred) doc.addEventListener('visibilitychange', this.onVisible);
      this.deferred = true;
      return false;
    }
    const since = performance.now() - this.drawnAt;
    if (
      fromSession &&
      drawn &&
      since >= SAME_FRAME_MS &&
      since < 1000 / CAPTION_HZ &&
      captionGrowth(drawn, s)
    ) {
      this.timer ??= setTimeout(this.due, 1000 / CAPTION_HZ - since);
      return false;
    }
    return this.drew(s);
  }

  /** Drops a waiting render (the element left the page). */
  stop(): void {
    this.el.ownerDocument.removeEventListener('visibilitychange', this.onVisible);
    this.deferred = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drew(s: LiveAgentSnapshot): true {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.drawn = s;
    this.drawnAt = performance.now();
    return true;
  }

  private readonly due = (): void => {
    this.timer = undefined;
    this.draw();
  };

  private readonly onVisible = (): void => {
    if (this.el.ownerDocument.visibilityState === 'hidden') return;
    this.el.ownerDocument.removeEventListener('visibilitychange', this.onVisible);
    this.deferred = false;
    this.draw();
  };
}

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
/**
 * `next` differs from `drawn` only by the agent's caption growing while it speaks (a cut-off turn
 * is final, and the agent then no longer speaks). Part of the call-time UI (./call-ui.ts): the
 * script tag loads it with the rest of what only a call shows.
 */
export function captionGrowth(drawn: LiveAgentSnapshot, next: LiveAgentSnapshot): boolean {
  const a = drawn.transcript;
  const b = next.transcript;
  const last = b.length - 1;
  const was = a[last];
  const now = b[last];
  if (
    !next.agentSpeaking ||
    a === b ||
    a.length !== b.length ||
    !was ||
    now?.id !== was.id ||
    now.role !== 'model' ||
    now.final ||
    !now.text.startsWith(was.text)
  )
    return false;
  // Usage and metrics show only in the metrics panel: they may wait with the caption.
  for (const key in next)
    if (
      !/^(transcript|usage|metrics)$/.test(key) &&
      !Object.is(drawn[key as 'status'], next[key as 'status'])
    )
      return false;
  for (let i = 0; i < last; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class RenderGate {
  /** The snapshot last drawn, and when. */
  private drawn: LiveAgentSnapshot | null = null;
  private drawnAt = -Infinity;
  /** A render waits for the page to be seen again. */
  private deferred = false;
  /** A held caption's draw. */
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param draw renders the element (called when a held render falls due).
   * @param grows {@link captionGrowth}, once the call-time UI is here (none: nothing is held).
   */
  constructor(
    private readonly el: HTMLElement,
    private readonly draw: () => void,
    private readonly grows: () => typeof captionGrowth | undefined,
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
    const grows = fromSession && drawn && since < 1000 / CAPTION_HZ && this.grows()?.(drawn, s);
    if (grows && since >= SAME_FRAME_MS) {
      this.timer ??= setTimeout(this.due, 1000 / CAPTION_HZ - since);
      return false;
    }
    // Growth drawn in the last draw's frame keeps that draw's time: a stream of fragments
    // closer than a frame apart still draws at most CAPTION_HZ a second.
    return this.drew(s, !grows);
  }

  /** Drops a waiting render (the element left the page). */
  stop(): void {
    this.el.ownerDocument.removeEventListener('visibilitychange', this.onVisible);
    this.deferred = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drew(s: LiveAgentSnapshot, stamp = true): true {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.drawn = s;
    if (stamp) this.drawnAt = performance.now();
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

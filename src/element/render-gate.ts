/**
 * When `<live-agent>` draws a session snapshot. Every draw that changes the screen is a
 * rendering frame on the main thread (style, layout, paint, commit), and a conversation changes
 * something several times a second: a caption grows with each audio chunk, who speaks flips, a
 * turn starts or ends, often a few tens of milliseconds apart. So snapshots are drawn at most
 * {@link RENDER_HZ} times a second: the first at once, later ones together, the newest state,
 * when the interval is up (never more than a quarter of a second late). A status change draws at
 * once (so does a server tool's line: its place in the log is when it came), and so does the
 * element's own render (a press, an attribute, a hint), taking whatever waits with it; so does
 * anything within the task of a paced draw (a burst shares its frame).
 * A hidden page shows nothing: while the status holds, snapshots wait, and one render catches up
 * when the page is seen again.
 */
import type { LiveAgentSnapshot, LiveAgentStatus } from '../core/types.ts';

/** Session snapshots drawn a second, at most (the first of a burst at once). */
export const RENDER_HZ = 4;

export class RenderGate {
  /** The status and server tool calls last drawn, and when the last paced draw began. */
  private drawn: LiveAgentStatus | undefined;
  private calls: LiveAgentSnapshot['serverToolCalls'] | undefined;
  private drawnAt = -Infinity;
  /** A paced draw happened earlier in this task: what follows shares its frame. */
  private inTask = false;
  /** A render waits for the page to be seen again. */
  private deferred = false;
  /** A waiting snapshot's draw. */
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param draw renders the element (a waiting snapshot falls due, the page is seen again). */
  constructor(
    private readonly el: HTMLElement,
    private readonly draw: () => void,
  ) {}

  /**
   * True when `s` should be drawn now; false when it waits. Only a new snapshot of the session
   * (`fromSession`) waits for the rate.
   */
  open(s: LiveAgentSnapshot, fromSession = false): boolean {
    const doc = this.el.ownerDocument;
    const same = s.status === this.drawn;
    if (this.el.isConnected && doc.visibilityState === 'hidden' && same) {
      if (!this.deferred) doc.addEventListener('visibilitychange', this.onVisible);
      this.deferred = true;
      return false;
    }
    // A server tool's line goes where it happens in the log: drawn at once, after what waits.
    const paced = same && s.serverToolCalls === this.calls;
    if (fromSession && paced && !this.inTask && this.el.isConnected) {
      const now = performance.now();
      if (now - this.drawnAt < 1000 / RENDER_HZ) {
        this.timer ??= setTimeout(this.due, this.drawnAt + 1000 / RENDER_HZ - now);
        return false;
      }
      this.began(now);
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.drawn = s.status;
    this.calls = s.serverToolCalls;
    return true;
  }

  /** Drops a waiting render (the element left the page). */
  stop(): void {
    this.el.ownerDocument.removeEventListener('visibilitychange', this.onVisible);
    this.deferred = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A paced draw begins: the rate counts from it, and the rest of its task joins it. */
  private began(now: number): void {
    this.drawnAt = now;
    this.inTask = true;
    queueMicrotask(() => (this.inTask = false));
  }

  private readonly due = (): void => {
    this.timer = undefined;
    this.began(performance.now());
    this.draw();
  };

  private readonly onVisible = (): void => {
    if (this.el.ownerDocument.visibilityState === 'hidden') return;
    this.stop();
    this.draw();
  };
}

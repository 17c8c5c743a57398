/**
 * Whether `<live-agent>` draws a snapshot now. A hidden page shows nothing: while the status
 * holds, a conversation's snapshots (captions, who is speaking) wait, and one render catches up
 * when the page is seen again. A status change still renders at once: it starts or stops the
 * meter's worker and the timers.
 */
import type { LiveAgentStatus } from '../core/types.ts';

export class RenderGate {
  /** The status last drawn. */
  private drawnStatus: LiveAgentStatus | null = null;
  /** A render waits for the page to be seen again. */
  private deferred = false;

  /** @param draw renders the element (called once the page is seen after a deferral). */
  constructor(
    private readonly el: HTMLElement,
    private readonly draw: () => void,
  ) {}

  /** True when a snapshot with `status` should be drawn now (then it counts as drawn). */
  open(status: LiveAgentStatus): boolean {
    const doc = this.el.ownerDocument;
    if (doc.visibilityState === 'hidden' && status === this.drawnStatus && this.el.isConnected) {
      if (!this.deferred) doc.addEventListener('visibilitychange', this.onVisible);
      this.deferred = true;
      return false;
    }
    this.drawnStatus = status;
    return true;
  }

  /** Drops a waiting render (the element left the page). */
  stop(): void {
    this.el.ownerDocument.removeEventListener('visibilitychange', this.onVisible);
    this.deferred = false;
  }

  private readonly onVisible = (): void => {
    if (this.el.ownerDocument.visibilityState === 'hidden') return;
    this.stop();
    this.draw();
  };
}

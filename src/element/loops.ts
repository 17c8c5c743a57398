/**
 * The element's two timers, each running only while it shows something: an animation-frame loop
 * painting the mic/speaker levels during a conversation, and a 1 s re-render for the goAway
 * countdown. Both stop when not needed, so an idle element costs nothing.
 */
export class RenderLoops {
  private raf = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;

  /**
   * @param paintLevels paints one frame of levels; false (no session or view) ends the loop.
   * @param tick re-renders the element once a second while the countdown runs.
   */
  constructor(
    private readonly paintLevels: () => boolean,
    private readonly tick: () => void,
  ) {}

  /** Starts or stops each loop; `levels` while a conversation is on, `countdown` after goAway. */
  update(levels: boolean, countdown: boolean): void {
    if (levels && !this.raf) this.raf = requestAnimationFrame(this.frame);
    if (!levels && this.raf) {
      cancelAnimationFrame(this.raf);
      this.raf = 0;
    }
    if (countdown && this.ticker === undefined) this.ticker = setInterval(this.tick, 1000);
    if (!countdown && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private readonly frame = (): void => {
    this.raf = 0;
    if (this.paintLevels()) this.raf = requestAnimationFrame(this.frame);
  };
}

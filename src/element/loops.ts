/**
 * The element's two timers, each running only while it shows something: the level meters during
 * a conversation, and a 1 s re-render for the goAway countdown. An idle element costs nothing.
 *
 * The meters poll the session's levels at most 10 times a second (4 under
 * `prefers-reduced-motion`), and only while the element can be seen: the loop stops when the
 * document is hidden or the element is scrolled out of view (IntersectionObserver), and starts
 * again when it comes back. Painting is the meter's business: it draws only on a visible change.
 * Where the worklets feed the meter's worker themselves, the loop runs no timer at all: the
 * meter's look (size, colour) is checked as the element renders (read at most once a second), and
 * the feed is told to stop whenever the loop stops. A timer there cost the main thread a task a
 * second and a computed-style read for a picture that only changes while someone talks, which
 * renders anyway (who speaks, captions); at rest the bars are empty and have no colour to miss.
 */

/**
 * Level updates a second at most. Each visible change is a compositor frame (the meter worker's
 * draw, the GPU process's composite) and, for the fed meter, a main-thread task (its placeholder
 * canvas takes each new picture): at 30 Hz speech drew ~16 frames a second, at 15 Hz ~10, at 10
 * fewer again, and a talking meter still reads as live.
 */
export const LEVELS_HZ = 10;
/** Under `prefers-reduced-motion`: the meters still say who is talking, without flicker. */
export const REDUCED_MOTION_HZ = 4;
/** What one level frame did: polled and painted, fed (the worker draws), or ended the loop. */
export type LevelsFrame = boolean | 'fed';

export class RenderLoops {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private wanted = false;
  /** The worklets feed the meter's worker (no timer runs; renders check its look). */
  private fed = false;
  private onScreen = true;
  private observer: IntersectionObserver | undefined;
  private readonly reducedMotion: MediaQueryList | undefined;

  /**
   * @param host the element whose visibility gates the meters.
   * @param paintLevels paints the levels once at `hz` (or lets them be fed at `hz`); false (no
   *   session or view) ends the loop.
   * @param tick re-renders the element once a second while the countdown runs.
   * @param stopLevels the loop stopped (hidden, off-screen, call over): a feed must stop too.
   */
  constructor(
    private readonly host: Element,
    private readonly paintLevels: (hz: number) => LevelsFrame,
    private readonly tick: () => void,
    private readonly stopLevels: () => void = () => undefined,
  ) {
    this.reducedMotion = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)');
  }

  /** True while the level loop runs: scheduled, or fed (tests). */
  get levelsRunning(): boolean {
    return this.timer !== undefined || this.fed;
  }

  /** Starts or stops each loop; `levels` while a conversation is on, `countdown` after goAway. */
  update(levels: boolean, countdown: boolean): void {
    if (levels !== this.wanted) {
      this.wanted = levels;
      if (levels) this.watch();
      else this.unwatch();
    }
    this.schedule();
    // A render: the fed meter's look may have changed (theme, zoom); cheap when it did not.
    if (this.fed && !this.paintLevels(this.hz())) this.fed = false;
    if (countdown && this.ticker === undefined) this.ticker = setInterval(this.tick, 1000);
    if (!countdown && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** Visibility listeners only while a conversation wants the meters. */
  private watch(): void {
    const doc = this.host.ownerDocument;
    doc.addEventListener('visibilitychange', this.schedule);
    const IO = doc.defaultView?.IntersectionObserver;
    if (!IO) return;
    this.observer = new IO((entries) => {
      const last = entries[entries.length - 1];
      if (last) this.onScreen = last.isIntersecting;
      this.schedule();
    });
    this.observer.observe(this.host);
  }

  private unwatch(): void {
    this.host.ownerDocument.removeEventListener('visibilitychange', this.schedule);
    this.observer?.disconnect();
    this.observer = undefined;
    this.onScreen = true;
  }

  /** Runs the level loop exactly when it is wanted and can be seen. */
  private readonly schedule = (): void => {
    const run =
      this.wanted && this.onScreen && this.host.ownerDocument.visibilityState !== 'hidden';
    if (run && this.timer === undefined && !this.fed) this.timer = setTimeout(this.frame, 0);
    if (!run && (this.timer !== undefined || this.fed)) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.fed = false;
      this.stopLevels();
    }
  };

  private hz(): number {
    return this.reducedMotion?.matches ? REDUCED_MOTION_HZ : LEVELS_HZ;
  }

  private readonly frame = (): void => {
    this.timer = undefined;
    const hz = this.hz();
    const done = this.paintLevels(hz);
    if (done === 'fed') this.fed = true;
    else if (done) this.timer = setTimeout(this.frame, 1000 / hz);
  };
}

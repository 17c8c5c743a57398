/**
 * Where a worklet's level messages go. The main thread gets them only while it holds a lease
 * (`getLevels()`/`getPlayback()` renew one while something reads them): a page that never reads
 * levels receives none, where it used to take ~60 tiny tasks a second while people talk, most of
 * a bare session's main-thread time. A meter port (the element's meter worker) gets them at its
 * own rate, never through the main thread. Plain fields only: the audio thread allocates nothing.
 */
import type { LevelControl } from './messages.ts';

/** Level ticks a second (every tick is a message to each sink that wants it). */
export const LEVEL_HZ = 30;

/**
 * Render quanta (128 frames) per level tick, rounded up so that ticks come at most LEVEL_HZ
 * times a second at any rate: rounded to nearest, 44.1 kHz gave every 11 quanta, 31 a second.
 */
export const levelQuanta = (): number => Math.ceil(sampleRate / LEVEL_HZ / 128);

export class LevelSinks {
  /** Context frame the main thread's lease runs to. */
  private end = -1;
  private meter: MessagePort | undefined;
  /** Level ticks per message to the meter, and the ticks so far. */
  private every = 1;
  private ticks = 0;
  /**
   * A sink was added since the last post: the next tick must post even if nothing changed (the
   * worklets otherwise skip repeats of silence), so the new reader starts from the truth.
   */
  fresh = true;

  constructor(private readonly main: MessagePort) {}

  /** Handles a lease or meter control message; false for any other message. */
  control(msg: LevelControl | { type: string }): boolean {
    const m = msg as LevelControl;
    if (m.type === 'lease') {
      this.fresh ||= !this.leased();
      this.end = currentFrame + (m.ms * sampleRate) / 1000;
    } else if (m.type === 'meter') {
      this.close();
      this.meter = m.port;
      this.every = Math.round(LEVEL_HZ / Math.min(LEVEL_HZ, m.hz ?? LEVEL_HZ));
      this.fresh ||= !!m.port;
    } else return false;
    return true;
  }

  private leased(): boolean {
    return currentFrame < this.end;
  }

  /** True while some sink wants levels (measuring is wasted otherwise). */
  get active(): boolean {
    return !!this.meter || this.leased();
  }

  /**
   * Posts one level message to the sinks that want it now. `change`: the message says
   * something new (silence began, playback stopped), so the meter gets it even between its ticks.
   */
  post(msg: object, change: boolean): void {
    this.fresh = false;
    if (this.leased()) this.main.postMessage(msg);
    if (this.meter && (change || ++this.ticks % this.every === 0)) this.meter.postMessage(msg);
  }

  close(): void {
    this.meter?.close();
    this.meter = undefined;
  }
}

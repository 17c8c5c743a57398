/**
 * The element's two level bars (you, the agent). The grey tracks are plain CSS and never change;
 * the filled part is drawn on one small canvas laid over them, off the main thread where it can
 * be: the canvas is handed to a worker (the SDK's own worker file, started in meter mode, so a
 * strict CSP needs nothing more) and its frames go straight to the compositor. A main-thread
 * draw, however small, costs a whole rendering frame there (style, paint, commit: 1–3 ms each,
 * 10–15 a second while people talk, most of the element's main-thread time in the cost bench);
 * a worker draw costs the main thread one postMessage. Without a worker (test fakes, no
 * OffscreenCanvas) the bars are drawn here. Draws happen only when a bar moves by one of its steps.
 *
 * Fed mode (`feed()`, the default Web Audio graph): the worklets post their levels straight to
 * that worker, which steps and draws them itself; the main thread reads no level at all, and
 * only tells the worker how the meter looks (size, colour) when that changes.
 */
import type { LiveMedia, MediaLevels } from '../core/media.ts';
import type { MeterFrame, MeterLook, MeterMessage } from '../meter/paint.ts';
import { METER_STEPS, meterStep as step } from '../meter/steps.ts';

export { levelScale, METER_STEPS } from '../meter/steps.ts';

/** CSS size of the canvas: two 5 px bars 3 px apart, 56 px wide (see styles.ts, `.lv`). */
const WIDTH = 56;
const HEIGHT = 13;

/** Hands the canvas to `worker`; false where it cannot be (no worker, not transferable). */
function offscreen(canvas: HTMLCanvasElement, worker: Worker | null): boolean {
  if (!worker || typeof canvas.transferControlToOffscreen !== 'function') return false;
  try {
    const off = canvas.transferControlToOffscreen();
    worker.postMessage({ meterCanvas: off } satisfies MeterMessage, [off]);
    return true;
  } catch {
    return false; // not transferable here: draw on the main thread
  }
}

export class LevelMeter {
  /** Starts the meter's worker (the element sets it from its session deps). */
  startWorker: (() => Worker) | undefined;
  private worker: Worker | null = null;
  /** Filled width of each bar in device pixels, as last drawn. */
  private shown: [number, number] = [0, 0];
  /** Step (0..METER_STEPS) of each bar, as last shown. */
  private steps: [number, number] = [0, 0];
  private ratio = 0;
  /** The newest frame not yet handed on (while the worker starts). */
  private pending: MeterFrame | undefined;
  /** Where frames go; undefined until the first draw. */
  private out: ((frame: MeterFrame) => void) | undefined;
  private colorValue = '';
  private colorAt = -Infinity;
  /** Frames drawn so far (tests: nothing is drawn while levels hold still). */
  draws = 0;
  /** The media feeding the worker, and at what rate (fed mode). */
  private fed: { media: LiveMedia; hz: number } | undefined;
  /** The canvas belongs to the worker (else frames are drawn here). */
  private inWorker = false;
  /** The look last sent to the fed worker, as a key. */
  private lookSent = '';

  /** @param canvas the (empty) canvas laid over the tracks, in the page since the view was built. */
  constructor(public canvas: HTMLCanvasElement) {}

  /**
   * Lets `media` feed the worker at `hz` (0: stop the feed), and refreshes the look it draws
   * with. False where it cannot (no worker, no OffscreenCanvas, media without a feed, or bars
   * already drawn here): the caller then polls the levels and calls set().
   */
  feed(media: LiveMedia | null | undefined, hz: number): boolean {
    if (hz === 0 || !media?.feedLevels) {
      this.unfeed();
      return false;
    }
    this.attach();
    const worker = this.inWorker ? this.worker : null;
    if (!worker) return false;
    const ratio = this.canvas.ownerDocument.defaultView?.devicePixelRatio || 1;
    const look: MeterLook = {
      w: Math.round(WIDTH * ratio),
      h: Math.round(HEIGHT * ratio),
      ratio,
      color: this.color(),
    };
    const key = `${look.w},${look.h},${look.color}`;
    if (key !== this.lookSent) {
      this.lookSent = key;
      worker.postMessage({ meterLook: look } satisfies MeterMessage);
    }
    if (this.fed?.media !== media || this.fed.hz !== hz) {
      this.fed = { media, hz };
      media.feedLevels(hz, (meterLevels) => {
        const ports = [meterLevels.input, meterLevels.output].filter((p) => !!p);
        worker.postMessage({ meterLevels } satisfies MeterMessage, ports);
      });
    }
    return true;
  }

  /** Stops the worklets posting to the worker (the meter is hidden, or the call ended). */
  unfeed(): void {
    this.fed?.media.feedLevels?.(0);
    this.fed = undefined;
  }

  /** Shows `levels` (null: empty bars); true when it had to draw. */
  set(levels: MediaLevels | null): boolean {
    if (this.fed) return false; // the worker shows the fed levels
    const ratio = this.canvas.ownerDocument.defaultView?.devicePixelRatio || 1;
    const w = Math.round(WIDTH * ratio);
    const steps: [number, number] = [
      step(levels?.input.rms ?? 0, this.steps[0]),
      step(levels?.output.rms ?? 0, this.steps[1]),
    ];
    const next: [number, number] = [
      Math.round((steps[0] / METER_STEPS) * w),
      Math.round((steps[1] / METER_STEPS) * w),
    ];
    this.steps = steps;
    const same = next[0] === this.shown[0] && next[1] === this.shown[1];
    // An empty canvas needs no draw, whatever its pixel ratio (and claims no context yet).
    if (same && (ratio === this.ratio || (next[0] === 0 && next[1] === 0))) return false;
    this.ratio = ratio;
    this.shown = next;
    this.draws++;
    const color = next[0] || next[1] ? this.color() : '';
    this.pending = { w, h: Math.round(HEIGHT * ratio), ratio, filled: next, color };
    this.flush();
    return true;
  }

  /**
   * The accent colour as the stylesheet resolves it (themes, custom properties), read again at
   * most once a second: a computed-style read on every draw showed in the cost bench profile.
   */
  private color(): string {
    const now = Date.now();
    if (now - this.colorAt >= 1000) {
      this.colorAt = now;
      this.colorValue = getComputedStyle(this.canvas).color;
    }
    return this.colorValue;
  }

  private flush(): void {
    const frame = this.pending;
    if (!frame) return;
    this.attach();
    this.pending = undefined;
    this.out?.(frame);
  }

  /** Picks where frames go, once per canvas: its worker where it can, else this thread. */
  private attach(): void {
    if (this.out) return;
    this.worker = this.startWorker?.() ?? null;
    this.inWorker = offscreen(this.canvas, this.worker);
    const worker = this.worker;
    if (this.inWorker && worker) {
      this.out = (meterFrame) => worker.postMessage({ meterFrame } satisfies MeterMessage);
      return;
    }
    const ctx = this.canvas.getContext('2d');
    // The drawing code is an on-demand chunk: a page whose meter worker draws never fetches it
    // (if it cannot be fetched, the bars stay empty).
    const paint = import('../meter/paint.ts').then(
      (m) => m.paintMeter,
      () => null,
    );
    this.out = (frame) => void paint.then((draw) => ctx && draw?.(ctx, frame));
  }

  /**
   * Stops the meter's worker (the call ended, or the element left the page). A canvas handed to
   * a worker cannot be taken back: an empty one replaces it, for the next call.
   */
  reset(): void {
    this.unfeed();
    this.lookSent = '';
    this.inWorker = false;
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.out = undefined;
    const fresh = this.canvas.cloneNode() as HTMLCanvasElement;
    this.canvas.replaceWith(fresh);
    this.canvas = fresh;
    this.shown = [0, 0];
    this.steps = [0, 0];
    this.ratio = 0;
  }
}

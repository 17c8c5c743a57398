/**
 * The element's two level bars (you, the agent). The grey tracks are plain CSS and never change;
 * the filled part is drawn on one small canvas laid over them, off the main thread where it can
 * be: the canvas is handed to a worker (the SDK's own worker file, started in meter mode, so a
 * strict CSP needs nothing more) and its frames go straight to the compositor. A main-thread
 * draw, however small, costs a whole rendering frame there (style, paint, commit: 1–3 ms each,
 * 10–15 a second while people talk, most of the element's main-thread time in the cost bench);
 * a worker draw costs the main thread one postMessage. Without a worker (test fakes, no
 * OffscreenCanvas) the bars are drawn here. Draws happen only when a bar moves by one of its steps.
 */
import type { MediaLevels } from '../core/media.ts';
import { paintMeter, type MeterFrame, type MeterMessage } from '../meter/paint.ts';

/** CSS size of the canvas: two 5 px bars 3 px apart, 56 px wide (see styles.ts, `.lv`). */
const WIDTH = 56;
const HEIGHT = 13;

/** RMS of speech sits around 0.02–0.3: a square-root curve makes quiet speech visible. */
export function levelScale(rms: number): number {
  return Math.min(1, Math.sqrt(Math.max(0, rms)) * 1.6);
}

/**
 * Steps a bar shows. Every visible change costs a frame (paint, commit, composite): speech moves
 * a meter of device pixels on nearly every update, one of 8 steps only when the loudness does.
 */
export const METER_STEPS = 8;

/**
 * The step to show for `rms`, given the one shown: it moves only when the level is most of a
 * step away, so a level hovering on a step boundary does not flicker (each flicker is a frame).
 */
function step(rms: number, shown: number): number {
  const exact = levelScale(rms) * METER_STEPS;
  return Math.abs(exact - shown) < 0.8 ? shown : Math.round(exact);
}

/** Where frames go: the worker that owns the canvas, or a main-thread 2D context. */
function attach(canvas: HTMLCanvasElement, worker: Worker | null): (frame: MeterFrame) => void {
  if (worker && typeof canvas.transferControlToOffscreen === 'function') {
    try {
      const off = canvas.transferControlToOffscreen();
      worker.postMessage({ meterCanvas: off } satisfies MeterMessage, [off]);
      return (meterFrame) => worker.postMessage({ meterFrame } satisfies MeterMessage);
    } catch {
      // Not transferable here: draw on the main thread.
    }
  }
  const ctx = canvas.getContext('2d');
  return (frame) => ctx && paintMeter(ctx, frame);
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

  /** @param canvas the (empty) canvas laid over the tracks, in the page since the view was built. */
  constructor(public canvas: HTMLCanvasElement) {}

  /** Shows `levels` (null: empty bars); true when it had to draw. */
  set(levels: MediaLevels | null): boolean {
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
    if (!this.out) {
      this.worker = this.startWorker?.() ?? null;
      this.out = attach(this.canvas, this.worker);
    }
    this.pending = undefined;
    this.out(frame);
  }

  /**
   * Stops the meter's worker (the call ended, or the element left the page). A canvas handed to
   * a worker cannot be taken back: an empty one replaces it, for the next call.
   */
  reset(): void {
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

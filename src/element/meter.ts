/**
 * The element's two level bars (you, the agent). The grey tracks are plain CSS and never change;
 * the filled part is drawn on one small canvas laid over them, and drawn off the main thread: the
 * canvas is handed to a tiny worker (transferControlToOffscreen) whose frames go straight to the
 * compositor. A main-thread draw, however small, costs a whole rendering frame there (style,
 * paint, commit: 1–3 ms each, 20–30 a second while people talk, most of the element's main-thread
 * time in the cost bench); a worker draw costs the main thread one postMessage. Where the worker
 * cannot start (no OffscreenCanvas, a CSP or Trusted Types policy refusing blob: workers) the bars
 * are drawn on the main thread as before. Draws happen only when a bar moves by one of its steps.
 */
import type { MediaLevels } from '../core/media.ts';

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

/** One picture of the bars, in device pixels. */
interface Frame {
  w: number;
  h: number;
  ratio: number;
  filled: [number, number];
  color: string;
}

type Canvas2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Draws a frame. Self-contained (no imports, no outer names): the worker gets it as source text.
 */
function paint(ctx: Canvas2D, f: Frame): void {
  const c = ctx.canvas;
  if (c.width !== f.w) c.width = f.w;
  if (c.height !== f.h) c.height = f.h;
  ctx.clearRect(0, 0, f.w, f.h);
  ctx.fillStyle = f.color;
  f.filled.forEach((filled, i) => {
    if (filled === 0) return;
    const y = Math.round(i * 8 * f.ratio); // bar 5 px + gap 3 px
    const h = Math.round(5 * f.ratio);
    ctx.save();
    ctx.beginPath();
    // The fill is clipped by the rounded track, as the CSS bars were.
    if (typeof ctx.roundRect === 'function') ctx.roundRect(0, y, f.w, h, 3 * f.ratio);
    else ctx.rect(0, y, f.w, h);
    ctx.clip();
    ctx.fillRect(0, y, filled, h);
    ctx.restore();
  });
}

/** What the meter worker receives: a canvas to adopt, a frame to draw, or (id only) a drop. */
interface MeterMessage {
  id: number;
  canvas?: OffscreenCanvas;
  frame?: Frame;
}

/** The meter worker's body (sent as source text, with {@link paint}): one per document. */
function meterWorker(scope: Worker, draw: typeof paint): void {
  const meters = new Map<number, OffscreenCanvasRenderingContext2D | null>();
  scope.onmessage = ({ data: m }: MessageEvent<MeterMessage>) => {
    if (m.canvas) meters.set(m.id, m.canvas.getContext('2d'));
    else if (m.frame) {
      const ctx = meters.get(m.id);
      if (ctx) draw(ctx, m.frame);
    } else meters.delete(m.id);
  };
  scope.postMessage('ready');
}

/** How long a starting meter worker may take before the bars are drawn on the main thread. */
const WORKER_START_MS = 3000;

const workers = new WeakMap<Window, Promise<Worker | null>>();

/** The document's meter worker, or null where none can run (the caller draws itself). */
function sharedWorker(view: (Window & typeof globalThis) | null): Promise<Worker | null> {
  if (!view?.Worker || !view.OffscreenCanvas || !view.Blob) return Promise.resolve(null);
  let started = workers.get(view);
  if (!started) {
    started = new Promise((resolve) => {
      let url = '';
      const done = (worker: Worker | null) => {
        clearTimeout(timer);
        view.URL.revokeObjectURL(url);
        resolve(worker);
      };
      const timer = setTimeout(() => done(null), WORKER_START_MS);
      try {
        const source = `(${meterWorker.toString()})(self, ${paint.toString()})`;
        url = view.URL.createObjectURL(new view.Blob([source], { type: 'text/javascript' }));
        const worker = new view.Worker(url); // throws under Trusted Types without a policy
        worker.onmessage = () => done(worker);
        worker.onerror = () => {
          worker.terminate(); // CSP refused it (error event), or its code failed to start
          done(null);
        };
      } catch {
        done(null);
      }
    });
    workers.set(view, started);
  }
  return started;
}

let nextId = 0;
/** A collected meter's canvas is dropped from the worker too. */
const dropped = new FinalizationRegistry<{ worker: Worker; id: number }>(({ worker, id }) =>
  worker.postMessage({ id } satisfies MeterMessage),
);

/** Where frames go: the worker that owns the canvas, or a main-thread 2D context. */
async function attach(canvas: HTMLCanvasElement): Promise<(frame: Frame) => void> {
  const worker = await sharedWorker(canvas.ownerDocument.defaultView);
  if (worker && typeof canvas.transferControlToOffscreen === 'function') {
    try {
      const off = canvas.transferControlToOffscreen();
      const id = ++nextId;
      worker.postMessage({ id, canvas: off } satisfies MeterMessage, [off]);
      dropped.register(canvas, { worker, id });
      return (frame) => worker.postMessage({ id, frame } satisfies MeterMessage);
    } catch {
      // Not transferable (already has a context): draw here.
    }
  }
  const ctx = canvas.getContext('2d');
  return (frame) => ctx && paint(ctx, frame);
}

export class LevelMeter {
  readonly canvas: HTMLCanvasElement;
  /** Filled width of each bar in device pixels, as last drawn. */
  private shown: [number, number] = [0, 0];
  /** Step (0..METER_STEPS) of each bar, as last shown. */
  private steps: [number, number] = [0, 0];
  private ratio = 0;
  /** The newest frame not yet handed on (while the worker starts). */
  private pending: Frame | undefined;
  /** undefined: not started; null: starting. */
  private out: ((frame: Frame) => void) | null | undefined;
  private colorValue = '';
  private colorAt = -Infinity;
  /** Frames drawn so far (tests: nothing is drawn while levels hold still). */
  draws = 0;

  constructor(doc: Document) {
    this.canvas = doc.createElement('canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
  }

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
    if (ratio === this.ratio && next[0] === this.shown[0] && next[1] === this.shown[1])
      return false;
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
    if (this.out === undefined) {
      this.out = null;
      void attach(this.canvas).then((out) => {
        this.out = out;
        this.flush();
      });
    }
    if (!this.out) return;
    this.pending = undefined;
    this.out(frame);
  }
}

/**
 * The level meter's drawing, shared by the element (which draws on the main thread only where no
 * worker can) and the SDK's worker (which draws for it off the main thread: the element hands its
 * canvas over with transferControlToOffscreen, and each frame then costs the main thread one
 * postMessage instead of a rendering frame). No imports: it runs in both worlds.
 */

/** One picture of the two bars, in device pixels. */
export interface MeterFrame {
  w: number;
  h: number;
  ratio: number;
  /** Filled width of each bar (input, output). */
  filled: [number, number];
  color: string;
}

/** What the meter worker receives: a canvas to adopt, or a frame to draw on it. */
export type MeterMessage = { meterCanvas: OffscreenCanvas } | { meterFrame: MeterFrame };

/** The 2D context calls a frame needs (main-thread and offscreen contexts both have them). */
export interface MeterContext {
  readonly canvas: { width: number; height: number };
  fillStyle: unknown;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  save(): void;
  restore(): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  roundRect?(x: number, y: number, w: number, h: number, r: number): void;
  clip(): void;
}

/** Draws a frame: two 5 px bars 3 px apart, each fill clipped by its rounded track. */
export function paintMeter(ctx: MeterContext, f: MeterFrame): void {
  const c = ctx.canvas;
  if (c.width !== f.w) c.width = f.w;
  if (c.height !== f.h) c.height = f.h;
  ctx.clearRect(0, 0, f.w, f.h);
  ctx.fillStyle = f.color;
  f.filled.forEach((filled, i) => {
    if (filled === 0) return;
    const y = Math.round(i * 8 * f.ratio);
    const h = Math.round(5 * f.ratio);
    ctx.save();
    ctx.beginPath();
    if (typeof ctx.roundRect === 'function') ctx.roundRect(0, y, f.w, h, 3 * f.ratio);
    else ctx.rect(0, y, f.w, h);
    ctx.clip();
    ctx.fillRect(0, y, filled, h);
    ctx.restore();
  });
}

/**
 * Worker side: a worker started for a meter gets the canvas first, then frames. Registered before comlink's listener, it keeps those messages from the RPC layer.
 */
export function serveMeter(scope: {
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}): void {
  let ctx: MeterContext | null = null;
  scope.addEventListener('message', (e) => {
    const m = e.data as Partial<{ meterCanvas: OffscreenCanvas; meterFrame: MeterFrame }> | null;
    if (m?.meterCanvas) ctx = m.meterCanvas.getContext('2d');
    else if (m?.meterFrame) {
      if (ctx) paintMeter(ctx, m.meterFrame);
    } else return;
    e.stopImmediatePropagation();
  });
}

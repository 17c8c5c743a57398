/**
 * The level meter's drawing, shared by the element (which draws on the main thread only where no
 * worker can) and the SDK's worker (which draws for it off the main thread: the element hands its
 * canvas over with transferControlToOffscreen, and each frame then costs the main thread one
 * postMessage instead of a rendering frame). It imports only ./steps.ts: it runs in both worlds.
 * The element imports it only where it must draw itself (an on-demand chunk of its bundle).
 */
import { METER_STEPS, meterStep } from './steps.ts';

export { levelScale, METER_STEPS, meterStep } from './steps.ts';

/** One picture of the two bars, in device pixels. */
export interface MeterFrame {
  w: number;
  h: number;
  ratio: number;
  /** Filled width of each bar (input, output). */
  filled: [number, number];
  color: string;
}

/** How the fed meter looks: everything of a frame but the bars, which its levels give. */
export type MeterLook = Omit<MeterFrame, 'filled'>;

/** The worklets' ends of the level feed (LiveMedia.feedLevels), one per bar. */
export interface MeterPorts {
  input?: MessagePort;
  output?: MessagePort;
}

/**
 * What the meter worker receives: a canvas to adopt, a frame to draw on it, or (fed mode) the
 * worklets' level ports and the look to draw their levels with: the main thread then takes no
 * part in the meter but for a rare look change.
 */
export type MeterMessage =
  | { meterCanvas: OffscreenCanvas }
  | { meterFrame: MeterFrame }
  | { meterLevels: MeterPorts }
  | { meterLook: MeterLook };

/**
 * Fed-mode draws a second at most. Each draw of the transferred canvas is one commit, and each
 * commit costs the main thread a task (the placeholder canvas takes the new picture there). The
 * two bars' levels arrive on two ports: drawing on each change committed up to twice per level
 * tick. Now changes are gathered and drawn together at most this often, and only when the
 * picture differs from the one drawn (never while both bars rest at empty).
 */
export const METER_DRAW_HZ = 15;

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
 * Worker side: a worker started for a meter gets the canvas first, then frames, or the level
 * ports and a look (fed mode: it steps and draws the levels itself, only on a visible change).
 * Registered before comlink's listener, it keeps those messages from the RPC layer.
 */
export function serveMeter(scope: {
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}): void {
  let ctx: MeterContext | null = null;
  let look: MeterLook | undefined;
  const steps: [number, number] = [0, 0];
  let drawn = '';
  let ports: MessagePort[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let drawnAt = -Infinity;
  const draw = () => {
    timer = undefined;
    if (!ctx || !look) return;
    const filled: [number, number] = [
      Math.round((steps[0] / METER_STEPS) * look.w),
      Math.round((steps[1] / METER_STEPS) * look.w),
    ];
    const key = `${filled[0]},${filled[1]},${look.w},${look.h},${look.color}`;
    if (key === drawn) return;
    drawn = key;
    drawnAt = performance.now();
    paintMeter(ctx, { ...look, filled });
  };
  /** Draws at the next free slot; a change before then joins that draw. */
  const schedule = () => {
    if (timer !== undefined) return;
    timer = setTimeout(draw, Math.max(0, drawnAt + 1000 / METER_DRAW_HZ - performance.now()));
  };
  const feed = (m: MeterPorts) => {
    for (const p of ports) p.close();
    ports = [];
    [m.input, m.output].forEach((port, i) => {
      if (!port) return;
      ports.push(port);
      port.onmessage = (e: MessageEvent<{ rms?: number }>) => {
        const next = meterStep(e.data?.rms ?? 0, steps[i]!);
        if (next === steps[i]) return;
        steps[i] = next;
        schedule();
      };
    });
  };
  scope.addEventListener('message', (e) => {
    const m = e.data as Partial<{
      meterCanvas: OffscreenCanvas;
      meterFrame: MeterFrame;
      meterLevels: MeterPorts;
      meterLook: MeterLook;
    }> | null;
    if (m?.meterCanvas) ctx = m.meterCanvas.getContext('2d');
    else if (m?.meterFrame) {
      if (ctx) paintMeter(ctx, m.meterFrame);
    } else if (m?.meterLevels) feed(m.meterLevels);
    else if (m?.meterLook) {
      look = m.meterLook;
      draw();
    } else return;
    e.stopImmediatePropagation();
  });
}

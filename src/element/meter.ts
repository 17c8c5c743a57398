/**
 * The element's two level bars (you, the agent). The grey tracks are plain CSS and never change;
 * the filled part is drawn on one small canvas laid over them. A canvas draw invalidates that
 * canvas only: no style recalculation, no layout, no repaint of anything around it (an own
 * compositor layer, `will-change`, measured no cheaper in the cost bench). Draws happen only when a bar moves by one of its few steps.
 */
import type { MediaLevels } from '../core/media.ts';

/** CSS size of the canvas: two 5 px bars 3 px apart, 56 px wide (see styles.ts, `.lv`). */
const WIDTH = 56;
const HEIGHT = 13;
const BAR = 5;
const GAP = 3;

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

export class LevelMeter {
  readonly canvas: HTMLCanvasElement;
  /** Filled width of each bar in device pixels, as last drawn. */
  private shown: [number, number] = [0, 0];
  /** Step (0..METER_STEPS) of each bar, as last shown. */
  private steps: [number, number] = [0, 0];
  private ratio = 0;
  /** Canvas draws so far (tests: nothing is drawn while levels hold still). */
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
    const ctx = this.context(ratio);
    if (!ctx) return false;
    this.shown = next;
    this.draws++;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (next[0] === 0 && next[1] === 0) return true;
    // The accent colour as the stylesheet resolves it now (themes, custom properties).
    ctx.fillStyle = getComputedStyle(this.canvas).color;
    next.forEach((filled, i) => {
      if (filled === 0) return;
      const y = Math.round(i * (BAR + GAP) * ratio);
      const h = Math.round(BAR * ratio);
      ctx.save();
      ctx.beginPath();
      // The fill is clipped by the rounded track, as the CSS bars were.
      if (typeof ctx.roundRect === 'function') ctx.roundRect(0, y, w, h, 3 * ratio);
      else ctx.rect(0, y, w, h);
      ctx.clip();
      ctx.fillRect(0, y, filled, h);
      ctx.restore();
    });
    return true;
  }

  private context(ratio: number): CanvasRenderingContext2D | null {
    if (ratio !== this.ratio) {
      this.ratio = ratio;
      this.canvas.width = Math.round(WIDTH * ratio);
      this.canvas.height = Math.round(HEIGHT * ratio);
    }
    return this.canvas.getContext('2d');
  }
}

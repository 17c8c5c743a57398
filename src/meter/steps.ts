/**
 * The level meter's steps: which of a few fill levels a bar shows for a level. Shared by the
 * element and the meter worker (./paint.ts); no imports, so the element's bundle takes these
 * without the drawing code, which it loads only where no worker can draw.
 */

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
export function meterStep(rms: number, shown: number): number {
  const exact = levelScale(rms) * METER_STEPS;
  return Math.abs(exact - shown) < 0.8 ? shown : Math.round(exact);
}

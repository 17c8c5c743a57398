/** Frame geometry shared by the video pipe and its tests (no canvas needed). */

/** Scaled size with the long side ≤ maxSize (never upscaled). */
export function fitSize(w: number, h: number, maxSize: number): { width: number; height: number } {
  const scale = Math.min(1, maxSize / Math.max(w, h, 1));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

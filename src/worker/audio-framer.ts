/**
 * Cuts a stream of variable-size blocks into fixed frames (20 ms at 16 kHz = 320 samples), so the
 * socket gets evenly sized `realtimeInput.audio` messages whatever the worklet's batch size.
 */

/** Fixed-size framer; `onFrame` gets a reused buffer, valid only during the call. */
export class Framer {
  private readonly frame: Float32Array;
  private filled = 0;

  constructor(
    readonly frameSamples: number,
    private readonly onFrame: (frame: Float32Array, endIndex: number) => void,
  ) {
    if (!(Number.isInteger(frameSamples) && frameSamples > 0))
      throw new RangeError(`Framer: frameSamples must be a positive integer, got ${frameSamples}`);
    this.frame = new Float32Array(frameSamples);
  }

  /** Samples waiting for the next frame. */
  get pending(): number {
    return this.filled;
  }

  /** Appends `block`; calls `onFrame(frame, endIndex)` for each completed frame, where
   * `endIndex` is the index in `block` just after the frame's last sample. */
  push(block: Float32Array): void {
    let i = 0;
    while (i < block.length) {
      const take = Math.min(this.frameSamples - this.filled, block.length - i);
      this.frame.set(block.subarray(i, i + take), this.filled);
      this.filled += take;
      i += take;
      if (this.filled === this.frameSamples) {
        this.filled = 0;
        this.onFrame(this.frame, i);
      }
    }
  }

  /** Drops a partial frame (mic paused). */
  reset(): void {
    this.filled = 0;
  }
}

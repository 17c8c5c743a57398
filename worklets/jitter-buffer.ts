/**
 * The playback worklet's adaptive jitter buffer, kept free of worklet globals so unit tests can
 * drive it quantum by quantum with numbers. Model audio arrives in bursts over the network; a
 * short pre-roll absorbs jitter, an underrun grows the target, a long stable stretch shrinks it.
 *
 * The policy has hysteresis: growth is immediate (a dropout is heard), shrinking waits for
 * `stableMs` of playback without one, and then takes half of the headroom the buffer never used
 * in that stretch (its low-water mark while more audio was due), at least `shrinkMs`. After a
 * starved stretch (a busy machine delayed the audio) ends, the target comes back down within a
 * few windows; while audio still arrives just in time it steps down only by `shrinkMs`.
 */
import type { JitterOptions } from './messages.ts';

export type { JitterOptions };

/** What the buffer tells its host; `offset` is the frame inside the rendered quantum. */
export type JitterEvent =
  | { type: 'started'; turnId: number; offset: number }
  | { type: 'silent'; turnId: number; offset: number; playedFrames: number }
  | { type: 'turn-done'; turnId: number; offset: number; playedFrames: number }
  | { type: 'underrun'; turnId: number; offset: number };

interface Chunk {
  turnId: number;
  data: Float32Array;
  read: number;
}

type Phase = 'idle' | 'buffering' | 'playing' | 'fading';

/** Turn-aware queue of Float32 chunks rendered into 128-frame (or any size) output blocks. */
export class JitterBuffer {
  readonly sampleRate: number;
  readonly minTargetFrames: number;
  private readonly maxTargetFrames: number;
  private readonly growFrames: number;
  private readonly stableFrames: number;
  private readonly shrinkFrames: number;
  private readonly fade: Float32Array;
  private queue: Chunk[] = [];
  private phase: Phase = 'idle';
  private current = 0;
  private endedUpTo = 0;
  private flushedUpTo = 0;
  private fadePos = 0;
  private pendingSilent = 0;
  private stableCount = 0;
  /** Fewest frames queued during the stable stretch while the turn had more audio to come. */
  private lowWater = Infinity;
  private queuedFrames = 0;
  /** Frames of the current turn already rendered (played position). */
  playedFrames = 0;
  /** Frames buffered before the current (or next) turn starts playing. */
  targetFrames: number;
  /** Times playback ran dry in the middle of a turn. */
  underruns = 0;
  /** Chunks that arrived for a turn already flushed, and were dropped. */
  lateChunks = 0;

  constructor(
    options: JitterOptions,
    private readonly emit: (event: JitterEvent) => void,
  ) {
    const f = (ms: number) => Math.round((ms * options.sampleRate) / 1000);
    this.sampleRate = options.sampleRate;
    this.minTargetFrames = f(options.prerollMs ?? 40);
    this.maxTargetFrames = Math.max(this.minTargetFrames, f(options.maxTargetMs ?? 400));
    this.growFrames = f(options.growMs ?? 40);
    this.stableFrames = f(options.stableMs ?? 5000);
    this.shrinkFrames = f(options.shrinkMs ?? 10);
    const fadeFrames = options.fadeMs === undefined ? 128 : f(Math.min(10, options.fadeMs));
    this.fade = new Float32Array(Math.max(1, fadeFrames));
    this.targetFrames = this.minTargetFrames;
  }

  /** Frames queued across all turns. */
  get bufferedFrames(): number {
    return this.queuedFrames;
  }

  /** The turn being buffered or played, 0 when idle. */
  get currentTurn(): number {
    return this.phase === 'idle' ? 0 : this.current;
  }

  /** The turn playing now, or the last one that played (0 before any): `playedFrames` is its. */
  get lastTurn(): number {
    return this.current;
  }

  /** True while a turn's samples are being rendered (not buffering, fading or idle). */
  get playing(): boolean {
    return this.phase === 'playing';
  }

  /** Queues a chunk; returns false (and counts a late chunk) when its turn was flushed. */
  push(turnId: number, data: Float32Array): boolean {
    if (turnId <= this.flushedUpTo) {
      this.lateChunks++;
      return false;
    }
    if (data.length === 0) return true;
    this.queue.push({ turnId, data, read: 0 });
    this.queuedFrames += data.length;
    return true;
  }

  /** No more audio will come for turns ≤ turnId. */
  endTurn(turnId: number): void {
    this.endedUpTo = Math.max(this.endedUpTo, turnId);
  }

  /** Starts the fade of whatever plays now and drops every chunk of turns ≤ turnId. */
  flush(turnId: number): void {
    this.flushedUpTo = Math.max(this.flushedUpTo, turnId);
    this.endedUpTo = Math.max(this.endedUpTo, turnId);
    const audible = this.phase === 'playing' && this.current <= turnId;
    if (audible) {
      // The fade continues the waveform (no jump) from the samples that would have played next.
      this.fade.fill(0);
      let n = 0;
      for (const c of this.queue) {
        if (c.turnId !== this.current || n >= this.fade.length) break;
        const take = Math.min(this.fade.length - n, c.data.length - c.read);
        this.fade.set(c.data.subarray(c.read, c.read + take), n);
        n += take;
      }
      this.phase = 'fading';
      this.fadePos = 0;
    } else if (this.phase !== 'fading') {
      if (this.phase !== 'idle' && this.current <= turnId) this.phase = 'idle';
      // Reported at the next render so the silence time comes from the audio clock.
      this.pendingSilent = turnId;
    }
    // A flush during a fade lets the fade finish (cutting it would click); it reports `silent`.
    this.dropFlushed();
  }

  /** Fills `out` (zeros where nothing plays) and emits events for this block. */
  render(out: Float32Array): void {
    out.fill(0);
    if (this.pendingSilent) {
      this.emit({ type: 'silent', turnId: this.pendingSilent, offset: 0, playedFrames: 0 });
      this.pendingSilent = 0;
    }
    if (this.phase === 'fading') {
      this.renderFade(out);
      return;
    }
    if (this.phase === 'idle') {
      const head = this.queue[0];
      if (!head) return;
      this.current = head.turnId;
      this.phase = 'buffering';
      this.playedFrames = 0;
    }
    if (this.phase === 'buffering') {
      if (!this.ready()) return;
      this.phase = 'playing';
    }
    this.renderPlaying(out);
  }

  private ready(): boolean {
    if (this.endedUpTo >= this.current) return true;
    let frames = 0;
    for (const c of this.queue) {
      // A later turn queued behind this one means this one is complete.
      if (c.turnId !== this.current) return true;
      frames += c.data.length - c.read;
      if (frames >= this.targetFrames) return true;
    }
    return false;
  }

  private renderPlaying(out: Float32Array): void {
    let i = 0;
    while (i < out.length) {
      const c = this.queue[0];
      if (!c || c.turnId !== this.current) break;
      if (this.playedFrames === 0 && c.read === 0)
        this.emit({ type: 'started', turnId: this.current, offset: i });
      const take = Math.min(out.length - i, c.data.length - c.read);
      out.set(c.data.subarray(c.read, c.read + take), i);
      c.read += take;
      i += take;
      this.playedFrames += take;
      this.queuedFrames -= take;
      if (c.read === c.data.length) this.queue.shift();
    }
    if (i === out.length) {
      // A turn whose end has not come may still run dry: how close it came is the headroom.
      if (this.endedUpTo < this.current && this.queuedFrames < this.lowWater)
        this.lowWater = this.queuedFrames;
      this.stableCount += out.length;
      if (this.stableCount >= this.stableFrames) this.shrink();
      return;
    }
    const next = this.queue[0];
    if (this.endedUpTo >= this.current || (next && next.turnId !== this.current)) {
      const playedFrames = this.playedFrames;
      this.phase = 'idle';
      this.emit({ type: 'turn-done', turnId: this.current, offset: i, playedFrames });
      return;
    }
    // Ran dry mid-turn: rebuffer with a larger target so the next burst gap is absorbed.
    this.underruns++;
    this.stableCount = 0;
    this.lowWater = Infinity;
    this.targetFrames = Math.min(this.maxTargetFrames, this.targetFrames + this.growFrames);
    this.phase = 'buffering';
    this.emit({ type: 'underrun', turnId: this.current, offset: i });
  }

  /** One stable window passed: give back half the unused headroom (at least `shrinkFrames`). */
  private shrink(): void {
    const unused = Number.isFinite(this.lowWater) ? Math.floor(this.lowWater / 2) : 0;
    const step = Math.max(this.shrinkFrames, unused);
    this.targetFrames = Math.max(this.minTargetFrames, this.targetFrames - step);
    this.stableCount = 0;
    this.lowWater = Infinity;
  }

  private renderFade(out: Float32Array): void {
    const n = this.fade.length;
    let i = 0;
    for (; i < out.length && this.fadePos < n; i++, this.fadePos++)
      out[i] = (this.fade[this.fadePos] ?? 0) * (1 - (this.fadePos + 1) / n);
    if (this.fadePos < n) return;
    this.phase = 'idle';
    this.emit({ type: 'silent', turnId: this.current, offset: i, playedFrames: this.playedFrames });
  }

  private dropFlushed(): void {
    const keep: Chunk[] = [];
    for (const c of this.queue) {
      if (c.turnId > this.flushedUpTo) keep.push(c);
      else this.queuedFrames -= c.data.length - c.read;
    }
    this.queue = keep;
  }
}

/**
 * What the emulator saw of the microphone stream: frame arrival gaps, and content continuity
 * (each received frame located in the reference noise; a jump forward is lost audio, a jump back
 * is repeated audio). Arrival times come from the emulator (`FrameRecord.at`, Date.now()).
 */
import type { EmulatorSession } from '../../src/emulator/index.ts';
import { micAudio } from '../support/mic-audio.ts';

/** One `realtimeInput.audio` frame as it reached the emulator. */
export interface AudioFrame {
  /** Index of the connection (0 = first of the run). */
  conn: number;
  at: number;
  pcm: Int16Array;
}

/** Audio frames of every connection, in stream order (connection order, then send order). */
export function audioFrames(sessions: EmulatorSession[]): AudioFrame[] {
  const out: AudioFrame[] = [];
  sessions.forEach((s, conn) => {
    for (const f of s.received) {
      const audio = micAudio(f.message);
      if (audio) out.push({ conn, at: f.at, pcm: audio.pcm });
    }
  });
  return out;
}

/** Longest time between consecutive arrivals (any connection) whose later frame is in [from, to]. */
export function maxGap(frames: AudioFrame[], from: number, to: number): number {
  const times = frames.map((f) => f.at).sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++)
    if (times[i]! >= from && times[i]! <= to) gap = Math.max(gap, times[i]! - times[i - 1]!);
  return gap;
}

export interface Discontinuity {
  at: number;
  conn: number;
  /** Positive: audio skipped (lost); negative: audio sent twice (or a gap filled). */
  deltaMs: number;
  /** At the switch to a new connection (what the SDK's hand-off owns), else within one. */
  boundary: boolean;
}

export interface Continuity {
  frames: number;
  /** Frames whose content was found in the reference. */
  matched: number;
  /** Loud frames that matched nowhere (distortion; should be 0). */
  unmatched: number;
  /** Lost / duplicated at connection switches. */
  lostMs: number;
  duplicatedMs: number;
  /** Jumps within one connection (capture path upstream of the socket), summed by sign. */
  otherLostMs: number;
  otherDuplicatedMs: number;
  /** Arrival times of loud frames that matched nowhere. */
  unmatchedAt: number[];
  discontinuities: Discontinuity[];
  /** Sub-sample wander accepted as continuous (resampler phase), in samples. */
  driftSamples: number;
}

/** Locates frames in the periodic reference by normalised cross-correlation. */
export class Aligner {
  private readonly ext: Float64Array;
  private readonly sq: Float64Array;
  private readonly n: number;
  private readonly refRms: number;

  constructor(ref: Int16Array, maxFrame = 4096) {
    this.n = ref.length;
    this.ext = new Float64Array(this.n + maxFrame);
    for (let i = 0; i < this.ext.length; i++) this.ext[i] = ref[i % this.n]! / 32768;
    // Prefix sums of squares: the reference energy under any window in O(1).
    this.sq = new Float64Array(this.ext.length + 1);
    for (let i = 0; i < this.ext.length; i++) this.sq[i + 1] = this.sq[i]! + this.ext[i]! ** 2;
    this.refRms = Math.sqrt(this.sq[this.n]! / this.n);
  }

  /** Follows the stream frame by frame; a frame off its predicted position is a discontinuity. */
  analyse(frames: AudioFrame[], sampleRate = 16000): Continuity {
    const res: Continuity = {
      frames: frames.length,
      matched: 0,
      unmatched: 0,
      lostMs: 0,
      duplicatedMs: 0,
      otherLostMs: 0,
      otherDuplicatedMs: 0,
      unmatchedAt: [],
      discontinuities: [],
      driftSamples: 0,
    };
    let pred: number | undefined;
    let conn: number | undefined;
    const jump = (frame: AudioFrame, delta: number): void => {
      const boundary = conn !== undefined && frame.conn !== conn;
      conn = frame.conn;
      if (delta === 0 && !boundary) return;
      const ms = (delta * 1000) / sampleRate;
      res.discontinuities.push({ at: frame.at, conn: frame.conn, deltaMs: ms, boundary });
      if (boundary) {
        if (ms > 0) res.lostMs += ms;
        else res.duplicatedMs -= ms;
      } else if (ms > 0) res.otherLostMs += ms;
      else res.otherDuplicatedMs -= ms;
    };
    for (const frame of frames) {
      const f = Float64Array.from(frame.pcm, (v) => v / 32768);
      let e = 0;
      for (const v of f) e += v * v;
      // Start-up zeros and fades carry no position: predict through them.
      if (Math.sqrt(e / f.length) < 0.1 * this.refRms) {
        if (pred !== undefined) pred = (pred + f.length) % this.n;
        continue;
      }
      if (pred !== undefined) {
        const local = this.search(f, e, pred - 4, pred + 4);
        if (local.r >= 0.6) {
          res.matched++;
          res.driftSamples += this.centred(local.p - pred);
          jump(frame, 0);
          pred = (local.p + f.length) % this.n;
          continue;
        }
      }
      const global = this.search(f, e, 0, this.n - 1);
      if (global.r < 0.6) {
        res.unmatched++;
        res.unmatchedAt.push(frame.at);
        if (pred !== undefined) pred = (pred + f.length) % this.n;
        continue;
      }
      res.matched++;
      jump(frame, pred === undefined ? 0 : this.centred(global.p - pred));
      pred = (global.p + f.length) % this.n;
    }
    return res;
  }

  private centred(d: number): number {
    const m = ((d % this.n) + this.n) % this.n;
    return m > this.n / 2 ? m - this.n : m;
  }

  /** Best normalised correlation of `f` at reference offsets from..to (wrapping). */
  private search(f: Float64Array, energy: number, from: number, to: number) {
    let best = { p: 0, r: -1 };
    const len = f.length;
    for (let q = from; q <= to; q++) {
      const p = ((q % this.n) + this.n) % this.n;
      let acc = 0;
      for (let i = 0; i < len; i++) acc += f[i]! * this.ext[p + i]!;
      const r = acc / Math.sqrt(energy * (this.sq[p + len]! - this.sq[p]!) + 1e-12);
      if (r > best.r) best = { p, r };
    }
    return best;
  }
}

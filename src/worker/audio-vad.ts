/**
 * A local energy voice-activity estimate for latency metrics (speech-end → first model audio).
 * The server's VAD decides turns; this one only needs to be cheap and stable: an adaptive noise
 * floor, a start threshold above it, a lower end threshold (hysteresis) and a hang time.
 */

/** Thresholds and timings of {@link EnergyVad}; dB are dBFS of frame RMS. */
export interface VadOptions {
  /** Frame length the VAD is fed with. */
  frameMs: number;
  /** Speech must be this far above the noise floor to start. Default 12 dB. */
  startMarginDb?: number;
  /** Speech ends below (start threshold − hysteresis). Default 6 dB. */
  hysteresisDb?: number;
  /** Never start below this level, however quiet the room. Default −50 dBFS. */
  minStartDb?: number;
  /** Consecutive loud time before speech-start. Default 60 ms. */
  startMs?: number;
  /** Consecutive quiet time before speech-end. Default 400 ms. */
  hangMs?: number;
  /** How fast the floor rises towards a steady louder level. Default 1 dB per second. */
  floorRiseDbPerS?: number;
}

/** A VAD transition; `at` is the time of the first (start) or last (end) voiced frame. */
export type VadEvent = { type: 'speech-start'; at: number } | { type: 'speech-end'; at: number };

/** Converts RMS (0..1) to dBFS, with digital silence clamped to −120 dB. */
export function rmsToDb(rms: number): number {
  return rms > 1e-6 ? 20 * Math.log10(rms) : -120;
}

/** Frame-by-frame energy VAD with hysteresis; feed it one `update()` per frame. */
export class EnergyVad {
  /** Current noise floor estimate, dBFS. */
  floorDb = -70;
  speaking = false;
  private readonly startMargin: number;
  private readonly hysteresis: number;
  private readonly minStart: number;
  private readonly startFrames: number;
  private readonly hangFrames: number;
  private readonly risePerFrame: number;
  private loud = 0;
  private quiet = 0;
  private firstLoudAt = 0;
  private lastVoicedAt = 0;

  constructor(options: VadOptions) {
    this.startMargin = options.startMarginDb ?? 12;
    this.hysteresis = options.hysteresisDb ?? 6;
    this.minStart = options.minStartDb ?? -50;
    this.startFrames = Math.max(1, Math.round((options.startMs ?? 60) / options.frameMs));
    this.hangFrames = Math.max(1, Math.round((options.hangMs ?? 400) / options.frameMs));
    this.risePerFrame = ((options.floorRiseDbPerS ?? 1) * options.frameMs) / 1000;
  }

  /** Level (dBFS) a frame needs to count towards speech-start. */
  get startDb(): number {
    return Math.max(this.minStart, this.floorDb + this.startMargin);
  }

  /** Feeds one frame; returns a transition or undefined. */
  update(rms: number, at: number): VadEvent | undefined {
    const db = rmsToDb(rms);
    const start = this.startDb;
    // The floor drops at once to a quieter level and creeps up slowly, so speech barely moves it.
    this.floorDb = db < this.floorDb ? db : this.floorDb + this.risePerFrame;
    if (!this.speaking) {
      if (db >= start) {
        if (this.loud++ === 0) this.firstLoudAt = at;
        if (this.loud >= this.startFrames) {
          this.speaking = true;
          this.quiet = 0;
          this.lastVoicedAt = at;
          return { type: 'speech-start', at: this.firstLoudAt };
        }
      } else this.loud = 0;
      return undefined;
    }
    if (db >= start - this.hysteresis) {
      this.quiet = 0;
      this.lastVoicedAt = at;
      return undefined;
    }
    if (++this.quiet < this.hangFrames) return undefined;
    return this.end();
  }

  /** Ends speech now (mic muted); returns the event if speech was on. */
  end(): VadEvent | undefined {
    if (!this.speaking) return undefined;
    this.speaking = false;
    this.loud = 0;
    this.quiet = 0;
    return { type: 'speech-end', at: this.lastVoicedAt };
  }
}

/**
 * The user's side of a turn: automatic (energy VAD) or manual (activityStart/activityEnd)
 * activity detection over incoming audio, producing "speech started" and "speech ended" with the
 * utterance kept for the echo voice.
 */
import { resample } from './pcm.ts';
import type { VadOptions } from './types.ts';
import { concat, EnergyVad } from './vad.ts';

/** What the listener reports to the agent. */
export interface ListenerEvents {
  started(): void;
  /** `audio` is the utterance at 16 kHz. */
  ended(speechMs: number, audio: Int16Array): void;
}

/** Turns a stream of audio chunks (and activity signals) into user turns. */
export class Listener {
  private vad: EnergyVad | undefined;
  private manual: Int16Array[] | undefined;
  private manualMs = 0;

  constructor(
    private readonly events: ListenerEvents,
    private readonly vadOptions: () => VadOptions,
    /** True when the setup disabled automatic activity detection. */
    private readonly isManual: () => boolean,
  ) {}

  /** Feeds one decoded audio chunk. */
  audio(samples: Int16Array, rate: number): void {
    if (this.isManual()) {
      // Outside activityStart/activityEnd audio is ignored, as with Google's manual mode.
      if (!this.manual) return;
      this.manual.push(resample(samples, rate, 16000));
      this.manualMs += (samples.length / rate) * 1000;
      return;
    }
    if (!this.vad || this.vad.rate !== rate) this.vad = new EnergyVad(this.vadOptions, rate);
    for (const event of this.vad.push(samples)) {
      if (event.type === 'start') this.events.started();
      else this.events.ended(event.speechMs, resample(event.audio, rate, 16000));
    }
  }

  /** Manual mode: the user started talking. */
  activityStart(): void {
    this.manual = [];
    this.manualMs = 0;
    this.events.started();
  }

  /** Manual mode: the user stopped; the turn is whatever audio came in between. */
  activityEnd(): void {
    const audio = concat(this.manual ?? []);
    const ms = this.manualMs;
    this.manual = undefined;
    this.manualMs = 0;
    this.events.ended(ms, audio);
  }

  /** `audioStreamEnd`: closes an utterance in progress (automatic mode only). */
  streamEnd(): void {
    if (this.isManual()) return;
    const end = this.vad?.flush();
    if (end?.type === 'end') {
      this.events.ended(end.speechMs, resample(end.audio, this.vad?.rate ?? 16000, 16000));
    }
  }
}

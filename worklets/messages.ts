/**
 * Message shapes on the audio MessagePorts: main thread ↔ worklets (control, levels) and
 * worker ↔ worklets (audio, playback reports). Types only, shared by worklets/, src/audio and
 * the worker pipes, so each side of a port agrees on one definition.
 */

/** Main thread → either worklet, on `AudioWorkletNode.port`. */
export type WorkletControl =
  /** The worker's end of a MessageChannel: audio goes there, not to the main thread. */
  | { type: 'port'; port: MessagePort }
  /** Capture only: false stops posting audio (levels read 0). */
  | { type: 'enable'; enabled: boolean }
  /** Stop processing and close the ports; the node can then be garbage collected. */
  | { type: 'stop' }
  | LevelControl;

/** Who gets level messages (worklets/level-sinks.ts): main thread ↔ either worklet. */
export type LevelControl =
  /** Post levels to the main thread for the next `ms` (renewed while levels are read). */
  | { type: 'lease'; ms: number }
  /** Post levels to `port` (the meter worker's) at about `hz`; no port: stop. */
  | { type: 'meter'; port?: MessagePort; hz?: number };

/**
 * Either worklet → main thread (while leased) and → meter port, about 30 times a second while
 * the level moves; silence is posted once.
 */
export interface LevelMessage {
  type: 'level';
  rms: number;
  peak: number;
}

/** The playback worklet's level message also carries where playback is (for caption sync). */
export interface PlaybackLevelMessage extends LevelMessage {
  /** The worker's turn id playing now or last played (0 before any). */
  turnId: number;
  /** Frames of that turn rendered so far. */
  playedFrames: number;
  /** Frames queued, not yet played. */
  bufferedFrames: number;
  playing: boolean;
}

/** Capture worklet → worker: a few 128-frame quanta of mono audio at the context rate. */
export interface CaptureAudioMessage {
  type: 'audio';
  samples: Float32Array;
  /** Context frame just after the last sample (`currentFrame + 128` of the last quantum). */
  endFrame: number;
}

/** Worker → playback worklet. */
export type PlaybackCommand =
  /** Mono samples at the context rate for turn `turnId` (turn ids only grow). */
  | { type: 'chunk'; turnId: number; samples: Float32Array }
  /** No more audio for this turn: play out what is queued without waiting for the pre-roll. */
  | { type: 'end-turn'; turnId: number }
  /** Interrupted: fade out now, drop queued and later chunks of turns ≤ turnId. */
  | { type: 'flush'; turnId: number };

/** Playback worklet → worker. `frame` is the context frame the event happened at. */
export type PlaybackReport =
  /** First sample of the turn rendered. */
  | { type: 'started'; turnId: number; frame: number }
  /** The fade after a flush finished: output is silent. */
  | { type: 'silent'; turnId: number; frame: number; playedFrames: number }
  /** The turn's audio played out completely. */
  | { type: 'turn-done'; turnId: number; frame: number; playedFrames: number }
  /** Periodic (~10 Hz) buffer statistics and the current turn's played position. */
  | {
      type: 'stats';
      underruns: number;
      lateChunks: number;
      bufferedMs: number;
      targetMs: number;
      turnId: number;
      playedFrames: number;
    };

/** Tuning of the playback worklet's jitter buffer; all durations in milliseconds. */
export interface JitterOptions {
  sampleRate: number;
  /** Audio buffered before a turn starts (and the lowest target). Default 40. */
  prerollMs?: number;
  /** Ceiling of the target after repeated underruns. Default 400. */
  maxTargetMs?: number;
  /** Target growth per underrun. Default 40. */
  growMs?: number;
  /**
   * Playing this long without an underrun lowers the target by half the headroom left unused
   * meanwhile, at least `shrinkMs`. Default 5000.
   */
  stableMs?: number;
  /** Smallest step down after a stable stretch. Default 10. */
  shrinkMs?: number;
  /** Linear fade after a flush, capped at 10 ms. Default: one render quantum (128 frames). */
  fadeMs?: number;
}

/**
 * The seam between the session and the browser's media stack. The default implementation
 * (src/audio) opens the microphone and an AudioContext with capture/playback worklets whose
 * MessagePorts go straight to the transport's worker, so audio never hops through the main thread.
 */
import type { DeviceChange, PlaybackPosition } from './types.ts';

/** Ports handed to the transport. Sample rates are the AudioContext's (never forced to 16 kHz). */
export interface MediaPorts {
  /** `frameMs`: length of the frames sent to the service (default 20). */
  capture?: { port: MessagePort; sampleRate: number; frameMs?: number };
  playback?: { port: MessagePort; sampleRate: number };
}

export interface AudioLevel {
  /** Root mean square, 0..1 */
  rms: number;
  /** Absolute peak, 0..1 */
  peak: number;
}

export interface MediaLevels {
  input: AudioLevel;
  output: AudioLevel;
}

/** The media graph's view of playback; the session adds the transcript turn. */
export type MediaPlayback = Omit<PlaybackPosition, 'turnId'>;

/** Playback before any audio (or without media). */
export const IDLE_PLAYBACK: MediaPlayback = Object.freeze({
  audioTurnId: 0,
  playedMs: 0,
  bufferedMs: 0,
  playing: false,
});

/** Ports that carry the worklets' level messages to another thread, one per side. */
export interface LevelPorts {
  input?: MessagePort;
  output?: MessagePort;
}

export type MediaEvent =
  | { type: 'needs-gesture'; needsGesture: boolean }
  /** The microphone moved to another device (or the speaker did). */
  | ({ type: 'device' } & DeviceChange)
  /** A track ended and could not be replaced (the microphone is gone). */
  | { type: 'track-ended'; kind: 'audio' | 'video' };

export interface LiveMedia {
  /**
   * Opens microphone and speaker graph. Throws MediaError (mic-denied, no-device,
   * insecure-context, unsupported). Capture starts at once so first words are buffered.
   */
  start(): Promise<MediaPorts>;
  setMicEnabled(enabled: boolean): void;
  /** Latest input/output levels (cheap to poll at animation rate). */
  getLevels(): MediaLevels;
  /** Where model audio playback is (cheap to poll at animation rate). */
  getPlayback?(): MediaPlayback;
  /**
   * Sends the levels at about `hz` straight to another thread (the element's meter worker),
   * never through this one: `deliver` gets the ports to hand over now if the graph is open, and
   * fresh ones whenever it opens again. `hz` 0 stops the feed.
   */
  feedLevels?(hz: number, deliver?: (ports: LevelPorts) => void): void;
  /** Moves capture to another microphone (undefined: the default one), keeping the graph. */
  setInputDevice?(deviceId: string | undefined): Promise<void>;
  /** Switches the speaker where the browser can (`setSinkId`); resolves false where it cannot. */
  setOutputDevice?(deviceId: string): Promise<boolean>;
  /** Output gain, 0..1. */
  setVolume?(volume: number): void;
  /** True while audio output waits for a user gesture (autoplay policy). */
  readonly needsGesture: boolean;
  /** Resume audio output; call from a user gesture. */
  resume(): Promise<void>;
  on(listener: (event: MediaEvent) => void): () => void;
  /** Stop every track, close ports and the AudioContext. */
  close(): Promise<void>;
}

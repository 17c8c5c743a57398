/**
 * Contracts between the worker's connection router (live.worker.ts) and its audio pipes
 * (capture-pipe.ts, playback-pipe.ts). Both run inside the module Worker: worklet ports are
 * plugged in here, so microphone and speaker audio never touch the main thread.
 */
import type { TransportEvent } from '../core/transport.ts';

/** The microphone rate on the wire (docs/protocol.md): the capture pipe resamples to it. */
export const CAPTURE_RATE = 16000;

export interface CaptureFrame {
  /** base64 of 16 kHz mono PCM16 LE, ready for `realtimeInput.audio.data` */
  data: string;
  samples: number;
  /** RMS of the frame, 0..1 (for local VAD and levels) */
  rms: number;
  /** `performance.timeOrigin + performance.now()` when the frame was completed */
  at: number;
  /** Estimated wall time (same clock as `at`) the frame's last sample entered the worklet. */
  capturedAt: number;
}

export interface CapturePipeOptions {
  /** Port from the capture worklet: Float32Array quanta at `inputRate`. */
  port: MessagePort;
  inputRate: number;
  /** Frame length sent to the socket, default 20 ms. */
  frameMs?: number;
}

export type CaptureEvent =
  { type: 'speech-end'; at: number } | { type: 'speech-start'; at: number };

export interface CapturePipe {
  /** Disabled: quanta are discarded, no frames are produced. */
  setEnabled(enabled: boolean): void;
  close(): void;
}

export type CreateCapturePipe = (
  options: CapturePipeOptions,
  onFrame: (frame: CaptureFrame) => void,
  onEvent: (event: CaptureEvent) => void,
) => CapturePipe;

export interface PlaybackPipeOptions {
  /** Port to the playback worklet. */
  port: MessagePort;
  /** The AudioContext rate the worklet renders at. */
  outputRate: number;
}

/** What the playback pipe reports: transport events as they cross to the main thread. */
export type PlaybackEvent = Extract<
  TransportEvent,
  { type: 'playback' | 'first-audio' | 'interrupt-silence' }
>;

export interface PlaybackPipe {
  /**
   * One base64 PCM16 chunk from `inlineData` (rate from its mimeType, 24 kHz normally). Returns
   * the turn it was queued for, 0 when it was dropped (a late chunk of an interrupted turn).
   */
  push(data: string, sampleRate: number, receivedAt: number): number;
  /** `serverContent.interrupted`: silence within one render quantum, drop late chunks of the turn. */
  interrupt(at: number): void;
  /** `turnComplete`: the next audio starts a new turn. */
  endTurn(): void;
  close(): void;
}

export type CreatePlaybackPipe = (
  options: PlaybackPipeOptions,
  onEvent: (event: PlaybackEvent) => void,
) => PlaybackPipe;

/**
 * Options of the Web Audio media graph, and the microphone side of it: constraints from options
 * and getUserMedia failures mapped to typed MediaErrors.
 */
import type { JitterOptions } from '../../worklets/messages.ts';
import { MediaError } from '../core/errors.ts';

/** Options of {@link createWebAudioMedia}. Processing flags default to true. */
export interface AudioOptions {
  /** Open the microphone (default true); false: playback only (text chat with spoken answers). */
  microphone?: boolean;
  echoCancellation?: boolean;
  noiseSuppression?: boolean;
  autoGainControl?: boolean;
  /** Apple's voice isolation (Safari 17.4+); ignored where the browser lacks the constraint. */
  voiceIsolation?: boolean;
  /** Microphone to open; falls back to the default one if it disappears later. */
  deviceId?: string;
  /** Speaker (`setSinkId`, where supported: Chromium, Firefox 116+). */
  outputDeviceId?: string;
  /** Output gain, 0..1 (default 1). */
  volume?: number;
  /** Frame length sent to the service, in ms (default 20); read by the worker's capture pipe. */
  frameMs?: number;
  /**
   * `'element'` (default): playback → MediaStreamAudioDestinationNode → hidden `<audio>`, the path
   * Chrome's echo canceller covers. `'context'`: straight to `AudioContext.destination`.
   */
  outputRoute?: 'element' | 'context';
  /**
   * Worklet module URLs; default: live-agent-audio.worklet.js next to the bundle, which registers
   * both processors (the same URL twice is loaded once).
   */
  workletUrls?: { capture: string | URL; playback: string | URL };
  /** Use this AudioContext (it is not closed by `close()`); default: one at the hardware rate. */
  audioContext?: AudioContext;
  /** Jitter-buffer tuning of the playback worklet (ms): pre-roll, growth, shrink, fade. */
  jitter?: Omit<JitterOptions, 'sampleRate'>;
}

/** `voiceIsolation` is not in TypeScript's DOM lib yet. */
type Constraints = MediaTrackConstraints & { voiceIsolation?: boolean };

/** getUserMedia audio constraints for `options`, optionally pinned to one device. */
export function micConstraints(options: AudioOptions, deviceId?: string): Constraints {
  const c: Constraints = {
    echoCancellation: options.echoCancellation ?? true,
    noiseSuppression: options.noiseSuppression ?? true,
    autoGainControl: options.autoGainControl ?? true,
    channelCount: { ideal: 1 },
  };
  const supported = navigator.mediaDevices.getSupportedConstraints() as Record<string, boolean>;
  if (options.voiceIsolation !== undefined && supported.voiceIsolation)
    c.voiceIsolation = options.voiceIsolation;
  // `exact`: a missing device must fail (no-device), not silently open another microphone.
  if (deviceId) c.deviceId = { exact: deviceId };
  return c;
}

/** Opens the microphone; throws MediaError `mic-denied`, `no-device` or `device-error`. */
export async function openMic(constraints: Constraints): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: constraints });
  } catch (error) {
    throw micError(error);
  }
}

/** Maps a getUserMedia rejection to a MediaError. */
export function micError(error: unknown): MediaError {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return MediaError.denied(error);
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return MediaError.noDevice('microphone', error);
  const message = error instanceof Error ? error.message : String(error);
  return new MediaError('device-error', `Microphone could not be opened: ${message}`, {
    cause: error,
  });
}

/** Throws the MediaError a page without the needed capabilities deserves. */
export function checkEnvironment(): void {
  if (!globalThis.isSecureContext) throw MediaError.insecureContext();
  if (!navigator.mediaDevices?.getUserMedia)
    throw MediaError.unsupported('navigator.mediaDevices.getUserMedia');
  if (typeof AudioContext === 'undefined') throw MediaError.unsupported('AudioContext');
  if (typeof AudioWorkletNode === 'undefined') throw MediaError.unsupported('AudioWorklet');
}

/** Default worklet URLs: the files the build emits beside the bundle that contains this module. */
export function defaultWorkletUrls(): { capture: URL; playback: URL } {
  // Literal `new URL('./…', import.meta.url)`: app bundlers (Vite, webpack, Parcel) recognise the
  // pattern and emit the file from dist/ with the app, so `live-agent/element` needs no set-up.
  // One module registers both processors.
  const url = new URL('./live-agent-audio.worklet.js', import.meta.url);
  return { capture: url, playback: url };
}

/**
 * FakeMedia: a LiveMedia without a microphone or AudioContext. Records mic toggles, start/close
 * calls, resume() calls, device and volume changes; tests set levels, the played position,
 * gesture needs and start failures.
 */
import {
  IDLE_PLAYBACK,
  type LiveMedia,
  type MediaEvent,
  type MediaLevels,
  type MediaPlayback,
  type MediaPorts,
} from '../core/media.ts';

/** An in-memory LiveMedia for tests. */
export class FakeMedia implements LiveMedia {
  /** Values passed to setMicEnabled(), in order. */
  readonly micCalls: boolean[] = [];
  micEnabled = true;
  started = 0;
  closed = 0;
  resumed = 0;
  /** True between start() and close(). */
  running = false;
  /** What start() returns. */
  ports: MediaPorts = {};
  levels: MediaLevels = { input: { rms: 0, peak: 0 }, output: { rms: 0, peak: 0 } };
  /** What getPlayback() returns. */
  playback: MediaPlayback = IDLE_PLAYBACK;
  /** Microphones selected with setInputDevice() (undefined: the default), in order. */
  readonly inputDevices: (string | undefined)[] = [];
  /** Speakers selected with setOutputDevice(), in order; `outputSwitches` is their answer. */
  readonly outputDevices: string[] = [];
  outputSwitches = true;
  volume = 1;
  /** Whether resume() clears needsGesture (an unlocking gesture). */
  resumeUnlocks = true;
  private gesture = false;
  private failure: unknown = undefined;
  private readonly listeners = new Set<(event: MediaEvent) => void>();

  get needsGesture(): boolean {
    return this.gesture;
  }

  /** The next start() rejects with `error` (e.g. MediaError.denied()). */
  failNextStart(error: unknown): void {
    this.failure = error;
  }

  /** Changes needsGesture and emits `needs-gesture` like the real graph. */
  setNeedsGesture(needsGesture: boolean): void {
    this.gesture = needsGesture;
    this.emit({ type: 'needs-gesture', needsGesture });
  }

  /** Emits any media event. */
  emit(event: MediaEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  start(): Promise<MediaPorts> {
    this.started++;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) return Promise.reject(failure);
    this.running = true;
    return Promise.resolve(this.ports);
  }

  setMicEnabled(enabled: boolean): void {
    this.micEnabled = enabled;
    this.micCalls.push(enabled);
  }

  getLevels(): MediaLevels {
    return this.levels;
  }

  getPlayback(): MediaPlayback {
    return this.playback;
  }

  /** Records the device and emits `device` like the real graph. */
  setInputDevice(deviceId: string | undefined): Promise<void> {
    this.inputDevices.push(deviceId);
    this.emit({ type: 'device', kind: 'input', deviceId: deviceId ?? null, reason: 'selected' });
    return Promise.resolve();
  }

  setOutputDevice(deviceId: string): Promise<boolean> {
    this.outputDevices.push(deviceId);
    if (this.outputSwitches)
      this.emit({ type: 'device', kind: 'output', deviceId, reason: 'selected' });
    return Promise.resolve(this.outputSwitches);
  }

  setVolume(volume: number): void {
    this.volume = volume;
  }

  resume(): Promise<void> {
    this.resumed++;
    if (this.resumeUnlocks && this.gesture) this.setNeedsGesture(false);
    return Promise.resolve();
  }

  on(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closed++;
    this.running = false;
    return Promise.resolve();
  }
}

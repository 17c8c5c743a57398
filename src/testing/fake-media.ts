/**
 * FakeMedia: a LiveMedia without a microphone or AudioContext. Records mic toggles, start/close
 * calls and resume() calls; tests set levels, gesture needs and start failures.
 */
import type { LiveMedia, MediaEvent, MediaLevels, MediaPorts } from '../core/media.ts';

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

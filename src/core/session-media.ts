/**
 * The session's side of its optional media graph: opening it for a connection and handing its
 * ports to the transport, closing it, and the mic, gesture and level calls. It owns the snapshot's
 * `micEnabled` and `needsGesture`. Without media every call is a harmless no-op, so the session
 * never has to branch on whether it has any.
 */
import { LiveAgentError } from './errors.ts';
import { IDLE_PLAYBACK, type LiveMedia, type MediaLevels } from './media.ts';
import { PlaybackTurns } from './playback.ts';
import type { LiveTransport } from './transport.ts';
import type { PlaybackPosition } from './types.ts';

/** Levels reported when the session has no media. */
export const ZERO_LEVELS: MediaLevels = Object.freeze({
  input: Object.freeze({ rms: 0, peak: 0 }),
  output: Object.freeze({ rms: 0, peak: 0 }),
});

/** What the media side needs, and how it reports. */
export interface SessionMediaDeps {
  media: LiveMedia | null;
  transport: LiveTransport;
  /** The slice changed (mic, gesture). */
  changed(): void;
  /** `needsGesture` changed (after `changed`). */
  gesture(needsGesture: boolean): void;
  /** The graph closed: nobody is speaking any more. */
  stopped(): void;
}

/** Starts, stops and relays calls to the session's media graph (if any). */
export class SessionMedia {
  /** Bumped by stop(), so a start() that lands afterwards closes what it opened. */
  private generation = 0;
  /** Which transcript turn each audio turn is (fed by the inbound handler). */
  readonly turns = new PlaybackTurns();
  private micEnabled = true;
  private needsGesture: boolean;
  /** `autoplay-blocked` was reported during the current wait for a gesture. */
  private blockedReported = false;

  constructor(private readonly deps: SessionMediaDeps) {
    this.needsGesture = deps.media?.needsGesture ?? false;
  }

  /** This manager's part of the snapshot. */
  get slice(): { micEnabled: boolean; needsGesture: boolean } {
    return { micEnabled: this.micEnabled, needsGesture: this.needsGesture };
  }

  /** Records the graph's autoplay state; reports `gesture` only when it changed. */
  handleNeedsGesture(needsGesture: boolean): void {
    if (!needsGesture) this.blockedReported = false;
    if (this.needsGesture === needsGesture) return;
    this.needsGesture = needsGesture;
    this.deps.changed();
    this.deps.gesture(needsGesture);
  }

  /** True once per gesture wait when model audio arrives that nobody can hear. */
  takeBlocked(): boolean {
    if (!this.needsGesture || this.blockedReported) return false;
    this.blockedReported = true;
    return true;
  }

  /** Opens the graph with the snapshot's mic state and attaches its ports to the transport. */
  async start(): Promise<void> {
    const { media, transport } = this.deps;
    if (!media) return;
    const generation = this.generation;
    const ports = await media.start();
    // Stopped while the mic was opening (disconnect during connect): do not leave it on.
    if (generation !== this.generation) {
      await this.stop();
      throw new LiveAgentError('aborted', 'Media start cancelled');
    }
    media.setMicEnabled(this.micEnabled);
    await transport.attachMedia?.(ports);
    this.handleNeedsGesture(media.needsGesture);
  }

  /** Closes the graph; nobody is speaking any more. Also cancels a start() in flight. */
  async stop(): Promise<void> {
    this.generation++;
    this.turns.reset(); // the next run's worker numbers audio turns from 1
    this.deps.stopped();
    try {
      await this.deps.media?.close();
    } catch {
      // Closing a half-open graph may throw; nothing is left to free.
    }
  }

  /** Mic on/off in the snapshot, the graph and the transport (which sends `audioStreamEnd`). */
  setMicEnabled(enabled: boolean): void {
    this.micEnabled = enabled;
    this.deps.changed();
    this.deps.media?.setMicEnabled(enabled);
    this.deps.transport.setMicEnabled?.(enabled);
  }

  /** Resumes audio output (from a user gesture) and records whether one is still needed. */
  async resume(): Promise<void> {
    const { media } = this.deps;
    if (!media) return;
    await media.resume();
    this.handleNeedsGesture(media.needsGesture);
  }

  /** Input/output levels from the graph (zeros without media). */
  getLevels(): MediaLevels {
    return this.deps.media?.getLevels() ?? ZERO_LEVELS;
  }

  /** The played position, with the transcript turn being heard (idle without media). */
  getPlayback(): PlaybackPosition {
    const p = this.deps.media?.getPlayback?.() ?? IDLE_PLAYBACK;
    return { ...p, turnId: this.turns.resolve(p.audioTurnId) };
  }

  /** Moves capture to another microphone; fails with `unsupported` where the media cannot. */
  async setInputDevice(deviceId: string | undefined): Promise<void> {
    const media = this.deps.media;
    if (!media?.setInputDevice)
      throw new LiveAgentError('unsupported', 'This media cannot switch microphones');
    await media.setInputDevice(deviceId);
  }

  /** Switches the speaker; false without media or where the browser cannot. */
  async setOutputDevice(deviceId: string): Promise<boolean> {
    return (await this.deps.media?.setOutputDevice?.(deviceId)) ?? false;
  }

  /** Output gain, 0..1 (ignored without media). */
  setVolume(volume: number): void {
    this.deps.media?.setVolume?.(volume);
  }
}

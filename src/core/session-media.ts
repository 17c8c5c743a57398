/**
 * The session's side of its optional media graph: opening it for a connection and handing its
 * ports to the transport, closing it, and the mic, gesture and level calls. Without media every
 * call is a harmless no-op, so the session never has to branch on whether it has any.
 */
import { LiveAgentError } from './errors.ts';
import type { LiveMedia, MediaLevels } from './media.ts';
import type { SnapshotStore } from './snapshot.ts';
import type { LiveTransport } from './transport.ts';

/** Levels reported when the session has no media. */
export const ZERO_LEVELS: MediaLevels = Object.freeze({
  input: Object.freeze({ rms: 0, peak: 0 }),
  output: Object.freeze({ rms: 0, peak: 0 }),
});

/** What the media side reads and writes on the session. */
export interface SessionMediaDeps {
  media: LiveMedia | null;
  transport: LiveTransport;
  store: SnapshotStore;
  /** Records the graph's autoplay state (the session emits `gesture` when it changed). */
  setNeedsGesture(needsGesture: boolean): void;
}

/** Starts, stops and relays calls to the session's media graph (if any). */
export class SessionMedia {
  /** Bumped by stop(), so a start() that lands afterwards closes what it opened. */
  private generation = 0;

  constructor(private readonly deps: SessionMediaDeps) {}

  /** Opens the graph with the snapshot's mic state and attaches its ports to the transport. */
  async start(): Promise<void> {
    const { media, store, transport } = this.deps;
    if (!media) return;
    const generation = this.generation;
    const ports = await media.start();
    // Stopped while the mic was opening (disconnect during connect): do not leave it on.
    if (generation !== this.generation) {
      await this.stop();
      throw new LiveAgentError('aborted', 'Media start cancelled');
    }
    media.setMicEnabled(store.get().micEnabled);
    await transport.attachMedia?.(ports);
    this.deps.setNeedsGesture(media.needsGesture);
  }

  /** Closes the graph; nobody is speaking any more. Also cancels a start() in flight. */
  async stop(): Promise<void> {
    this.generation++;
    this.deps.store.update({ agentSpeaking: false, userSpeaking: false });
    try {
      await this.deps.media?.close();
    } catch {
      // Closing a half-open graph may throw; nothing is left to free.
    }
  }

  /** Mic on/off in the snapshot, the graph and the transport (which sends `audioStreamEnd`). */
  setMicEnabled(enabled: boolean): void {
    this.deps.store.update({ micEnabled: enabled });
    this.deps.media?.setMicEnabled(enabled);
    this.deps.transport.setMicEnabled?.(enabled);
  }

  /** Resumes audio output (from a user gesture) and records whether one is still needed. */
  async resume(): Promise<void> {
    const { media } = this.deps;
    if (!media) return;
    await media.resume();
    this.deps.setNeedsGesture(media.needsGesture);
  }

  /** Input/output levels from the graph (zeros without media). */
  getLevels(): MediaLevels {
    return this.deps.media?.getLevels() ?? ZERO_LEVELS;
  }
}

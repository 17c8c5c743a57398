/**
 * Push-to-talk (`mode: 'push-to-talk'`): the app marks the user's turn with activityStart and
 * activityEnd instead of the server's voice activity detection.
 */
import { LiveAgentError } from './errors.ts';
import type { MetricsTracker } from './metrics.ts';
import type { SpeakingState } from './speaking.ts';
import type { LiveConnection } from './transport.ts';

export interface ActivityDeps {
  /** Runs `send` with the active connection. */
  send(send: (connection: LiveConnection) => void): void;
  /** False when the transport cannot mark activity (`capabilities.pushToTalk`). */
  supported: boolean;
  speaking: SpeakingState;
  metrics: MetricsTracker;
  /** The speaking slice changed. */
  publish(): void;
  /** True when the session's config disables automatic activity detection. */
  isPushToTalk(): boolean;
  /** Throws `not-connected` unless connected. */
  requireConnected(): void;
}

/** Sends the activity markers; marks the user speaking and the end-of-speech time. */
export class PushToTalk {
  constructor(private readonly d: ActivityDeps) {}

  /** The user starts speaking. */
  start(): void {
    this.check();
    this.d.send((c) => c.activityStart());
    this.d.speaking.handleUserActivity(true);
    this.d.publish();
  }

  /** The user stopped speaking; latency metrics count from here. */
  end(): void {
    this.check();
    this.d.send((c) => c.activityEnd());
    // The clock of the transport's metric events (`receivedAt`, `audibleAt`), not Date.now().
    this.d.metrics.handleSpeechEnd(performance.timeOrigin + performance.now());
    this.d.speaking.handleUserActivity(false);
    this.d.publish();
  }

  private check(): void {
    if (!this.d.supported)
      throw new LiveAgentError('unsupported', 'This transport has no push-to-talk');
    this.d.requireConnected();
    if (!this.d.isPushToTalk())
      throw new LiveAgentError(
        'invalid-request',
        'startActivity()/endActivity() need mode: "push-to-talk"',
      );
  }
}

/**
 * Latency metrics from transport events: end of user speech → first model audio received →
 * audible, and barge-in → silence. Keeps the last N turns and their medians.
 */
import type { LatencyMetrics, TurnMetrics } from './types.ts';
import type { TransportEvent } from './transport.ts';

/** Metrics before any turn. */
export const EMPTY_METRICS: LatencyMetrics = Object.freeze({
  last: null,
  p50ResponseMs: null,
  p50AudibleMs: null,
  p50InterruptMs: null,
  underruns: 0,
  lateChunks: 0,
  captureDroppedMs: 0,
  congested: false,
});

/** Turns transport events into TurnMetrics; `handleEvent` returns the new turn, if one ended. */
export class MetricsTracker {
  private metrics: LatencyMetrics = EMPTY_METRICS;
  private readonly recent: TurnMetrics[] = [];
  private speechEndAt: number | null = null;
  /** Last playback buffer depth; not in the snapshot (it changes every few ms). */
  bufferedMs = 0;

  constructor(private readonly keep = 20) {}

  /** Current metrics (a new frozen object after each change). */
  get current(): LatencyMetrics {
    return this.metrics;
  }

  /** Marks the end of user speech (VAD event, or endActivity in push-to-talk). */
  handleSpeechEnd(at: number): void {
    this.speechEndAt = at;
  }

  /** Feeds one transport event; returns the finished TurnMetrics when the event completes one. */
  handleEvent(event: TransportEvent): TurnMetrics | null {
    switch (event.type) {
      case 'speech-end':
        this.handleSpeechEnd(event.at);
        return null;
      case 'first-audio': {
        const end =
          this.speechEndAt !== null && this.speechEndAt <= event.receivedAt
            ? this.speechEndAt
            : null;
        this.speechEndAt = null;
        return this.push({
          kind: 'response',
          turnId: event.turnId,
          speechEndAt: end,
          receivedAt: event.receivedAt,
          audibleAt: event.audibleAt,
          responseMs: end === null ? null : event.receivedAt - end,
          audibleMs: end === null ? null : event.audibleAt - end,
        });
      }
      case 'interrupt-silence':
        return this.push({
          kind: 'interrupt',
          turnId: event.turnId,
          interruptedAt: event.interruptedAt,
          silentAt: event.silentAt,
          silenceMs: event.silentAt - event.interruptedAt,
          playedMs: event.playedMs,
        });
      case 'playback':
        this.bufferedMs = event.bufferedMs;
        this.patch({ underruns: event.underruns, lateChunks: event.lateChunks });
        return null;
      case 'congestion':
        this.patch({ congested: event.congested });
        return null;
      case 'capture-dropped':
        this.patch({ captureDroppedMs: this.metrics.captureDroppedMs + event.ms });
        return null;
      default:
        return null;
    }
  }

  private push(turn: TurnMetrics): TurnMetrics {
    this.recent.push(turn);
    if (this.recent.length > this.keep) this.recent.shift();
    const responses = this.recent.filter((t) => t.kind === 'response');
    const interrupts = this.recent.filter((t) => t.kind === 'interrupt');
    this.patch({
      last: Object.freeze(turn),
      p50ResponseMs: median(responses.map((t) => t.responseMs)),
      p50AudibleMs: median(responses.map((t) => t.audibleMs)),
      p50InterruptMs: median(interrupts.map((t) => t.silenceMs)),
    });
    return turn;
  }

  private patch(patch: Partial<LatencyMetrics>): void {
    const changed = (Object.keys(patch) as (keyof LatencyMetrics)[]).some(
      (k) => !Object.is(patch[k], this.metrics[k]),
    );
    if (changed) this.metrics = Object.freeze({ ...this.metrics, ...patch });
  }
}

/** Median of the non-null values (mean of the middle two for even counts), or null. */
export function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  const upper = v[mid] ?? 0;
  return v.length % 2 ? upper : ((v[mid - 1] ?? upper) + upper) / 2;
}

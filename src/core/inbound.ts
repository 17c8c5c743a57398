/**
 * The inbound router: a table from each inbound event (server frames, connector, transport and
 * media events) to the manager that owns the fact. Managers update their slice; the router then
 * has the session publish the merged snapshot and emits the public event, in that order, so a
 * listener always sees the snapshot its event describes. It writes no state of its own.
 */
import { MediaError, ProtocolError, reviveError, type LiveAgentError } from './errors.ts';
import type { AgentState } from './agents.ts';
import type { Connector } from './connector.ts';
import type { Emit, LiveAgentEventMap } from './events.ts';
import type { LinkState } from './link.ts';
import type { MediaEvent } from './media.ts';
import type { MetricsTracker } from './metrics.ts';
import type { SessionMedia } from './session-media.ts';
import type { SessionStats } from './session-support.ts';
import type { SpeakingState } from './speaking.ts';
import type { ToolManager } from './tools.ts';
import type { TranscriptStore } from './transcript.ts';
import type { InboundEvent, InboundFrame, MessageMeta, TransportEvent } from './transport.ts';
import type { LiveAgentStatus } from './types.ts';
import type { UsageTracker } from './usage.ts';
import type { UsageMetadata } from './wire.ts';

/** The managers the router feeds, and the session's publish/emit. */
export interface InboundDeps {
  emit: Emit<LiveAgentEventMap>;
  /** Writes the managers' merged slices to the snapshot (the session's one writer). */
  publish(): void;
  /** Runs `fn` so that subscribers hear about its changes once (one frame → one render). */
  batch(fn: () => void): void;
  connector: Connector;
  link: LinkState;
  speaking: SpeakingState;
  transcript: TranscriptStore;
  tools: ToolManager;
  usage: UsageTracker;
  metrics: MetricsTracker;
  media: SessionMedia;
  stats: SessionStats;
  agents: AgentState;
}

/** Routes inbound events to the session's managers. */
export class InboundHandler {
  private meta: MessageMeta | null = null;

  constructor(private readonly d: InboundDeps) {}

  /** One server frame: raw `message` event first, then its events in the codec's order. */
  handleFrame(frame: InboundFrame, meta: MessageMeta): void {
    this.d.stats.messages++;
    this.meta = meta;
    this.d.batch(() => {
      try {
        this.d.emit('message', { message: frame.raw });
        for (const event of frame.events) this.route(event);
      } catch (cause) {
        // A shape we did not foresee must not take the session down.
        const error = ProtocolError.malformed('unexpected message shape', cause);
        this.d.emit('error', { error, fatal: false });
      }
    });
    this.meta = null;
  }

  /** Media-side events from the transport: metrics, playback stats, worker errors. */
  handleTransportEvent(event: TransportEvent): void {
    if (event.type === 'error')
      return this.d.emit('error', { error: reviveError(event.error), fatal: false });
    // The local VAD's estimate; the server's transcription confirms it later.
    if (event.type === 'speech-start') this.d.speaking.handleUserActivity(true);
    if (event.type === 'speech-end') this.d.speaking.handleUserActivity(false);
    const turn = this.d.metrics.handleEvent(event);
    this.d.publish();
    if (turn) this.d.emit('metrics', { turn });
    if (event.type === 'congestion') {
      const { congested, droppedMs, heldMs } = event;
      this.d.emit('congestion', { congested, droppedMs, heldMs });
    }
  }

  /** Status change: snapshot, `status` event, and `error {fatal: true}` when it ends badly. */
  handleStatus(status: LiveAgentStatus, previous: LiveAgentStatus, error?: LiveAgentError): void {
    this.d.batch(() => {
      this.d.link.handleStatus(status, error);
      // A worker shut down mid-congestion never reports its end: no link, no congestion.
      const ended = status === 'closed' || status === 'error';
      const congestion = { congested: false, droppedMs: 0, heldMs: 0 };
      const congestionEnded = ended && this.d.metrics.current.congested;
      if (congestionEnded)
        this.d.metrics.handleEvent({ type: 'congestion', bufferedBytes: 0, ...congestion });
      if (ended) {
        this.d.speaking.handleQuiet();
        this.d.tools.abortAll(status);
      }
      this.d.publish();
      if (congestionEnded) this.d.emit('congestion', congestion);
      this.d.emit('status', { status, previous });
      if (error) this.d.emit('error', { error, fatal: true });
    });
  }

  /** A dropped connection is being re-established (attempt n after `delayMs`). */
  handleReconnecting(attempt: number, delayMs: number, cause: LiveAgentError): void {
    this.d.link.handleReconnecting(attempt);
    this.d.publish();
    this.d.emit('reconnecting', { attempt, delayMs, cause });
  }

  /** A new connection took over after a goAway hand-off or a drop. */
  handleResumed(handoff: boolean, gapMs: number): void {
    this.d.link.handleResumed();
    this.d.publish();
    this.d.emit('resumed', { handoff, gapMs });
  }

  /** Media graph events: autoplay gesture needs, device changes, a microphone that is gone. */
  handleMediaEvent(event: MediaEvent): void {
    if (event.type === 'needs-gesture') this.d.media.handleNeedsGesture(event.needsGesture);
    if (event.type === 'device') {
      const { kind, deviceId, reason } = event;
      this.d.emit('device', { kind, deviceId, reason });
    }
    if (event.type === 'track-ended' && event.kind === 'audio') {
      const error = new MediaError('device-error', 'The microphone was lost and none replaced it');
      this.d.emit('error', { error, fatal: false });
    }
  }

  /** The routing table: one normalised inbound event to its handler. */
  private route(event: InboundEvent): void {
    switch (event.type) {
      case 'resumption':
        return this.handleResumption(event.handle);
      case 'usage':
        return this.handleUsage(event.usage);
      case 'transcription':
        return event.speaker === 'user'
          ? this.handleInputTranscription(event.text, event.finished)
          : this.handleOutputTranscription(event.text, event.finished);
      case 'content':
        for (const text of event.text) this.handleModelText(text);
        if (event.audioParts > 0) this.handleModelAudio(event.audioParts);
        return;
      case 'interrupted':
        return this.handleReplyEnd('interrupted');
      case 'turnComplete':
        return this.handleReplyEnd('turnComplete', event.reason);
      case 'toolCall':
        return this.d.tools.handleToolCall(event.calls);
      case 'toolCallCancellation':
        return this.d.tools.handleCancellation(event.ids);
      case 'goAway':
        return this.handleGoAway(event.timeLeftMs);
      case 'error':
        return this.d.emit('error', { error: reviveError(event.error), fatal: false });
      case 'agent':
        return this.handleAgent(event.name);
      case 'serverToolCall':
      case 'serverToolResult': {
        const call = this.d.agents.handleTool(event);
        this.d.publish();
        return this.d.emit(
          event.type === 'serverToolCall' ? 'servertoolcall' : 'servertoolresult',
          {
            call,
          },
        );
      }
    }
  }

  private handleAgent(name: string): void {
    const change = this.d.agents.handleAgent(name);
    if (!change) return;
    this.d.publish();
    this.d.emit('agent', change);
  }

  private handleResumption(handle: string): void {
    this.d.connector.handleResumptionUpdate(handle);
    this.d.link.handleResumable(true);
    this.d.publish();
  }

  private handleUsage(last: UsageMetadata): void {
    const total = this.d.usage.handleUsage(last);
    this.d.publish();
    this.d.emit('usage', { total, last });
  }

  private handleInputTranscription(text: string | undefined, finished: boolean): void {
    this.d.transcript.handleInput(text, finished);
    this.d.speaking.handleUserTranscription(text, finished);
    this.d.publish();
  }

  private handleModelAudio(parts: number): void {
    const { stats, media, transcript } = this.d;
    stats.audioChunks += parts;
    stats.audioBytes += this.meta?.audioBytes ?? 0;
    media.turns.handleAudio(this.meta?.audioTurnId);
    media.turns.handleModelTurn(transcript.openModelTurnId);
    transcript.handleModelStart();
    this.d.speaking.handleModelSpeech();
    this.d.publish();
    if (media.takeBlocked()) {
      // The model is talking and nobody hears it: the app should ask for a tap (resumeAudio).
      const error = new MediaError(
        'autoplay-blocked',
        'Model audio arrives but the browser blocks playback until a user gesture (resumeAudio)',
      );
      this.d.emit('error', { error, fatal: false });
    }
  }

  private handleModelText(text: string): void {
    this.d.media.turns.handleModelTurn(this.d.transcript.handleModelText(text));
  }

  private handleOutputTranscription(text: string | undefined, finished: boolean): void {
    this.d.media.turns.handleModelTurn(this.d.transcript.handleModelText(text, finished));
    if (text) this.d.speaking.handleModelSpeech();
    this.d.publish();
  }

  /** The reply ended: barged in (`interrupted`) or finished (`turnComplete`). */
  private handleReplyEnd(how: 'interrupted' | 'turnComplete', reason?: string): void {
    const { transcript, speaking } = this.d;
    if (how === 'interrupted') transcript.handleInterrupted();
    else transcript.handleTurnComplete();
    this.d.media.turns.endReply();
    if (how === 'interrupted') speaking.handleInterrupted();
    else speaking.handleQuiet();
    this.d.publish();
    if (how === 'interrupted') this.d.emit('interrupted', {});
    else this.d.emit('turncomplete', reason === undefined ? {} : { reason });
    this.d.connector.handleIdle();
  }

  private handleGoAway(timeLeftMs: number): void {
    this.d.link.handleGoAway(Date.now() + timeLeftMs);
    this.d.publish();
    this.d.emit('goaway', { timeLeftMs });
    this.d.connector.handleGoAway(timeLeftMs);
  }
}

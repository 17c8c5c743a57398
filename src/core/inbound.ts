/**
 * Inbound side of the session: turns server messages, transport and media events and status
 * changes into manager calls, snapshot patches and events. One message is one notification.
 */
import { MediaError, ProtocolError, reviveError, type LiveAgentError } from './errors.ts';
import type { Connector } from './connector.ts';
import type { Emit, LiveAgentEventMap } from './events.ts';
import type { MediaEvent } from './media.ts';
import type { MetricsTracker } from './metrics.ts';
import type { PlaybackTurns } from './playback.ts';
import type { SessionStats } from './session-support.ts';
import type { SnapshotStore } from './snapshot.ts';
import type { ToolManager } from './tools.ts';
import type { TranscriptStore } from './transcript.ts';
import type { InboundEvent, InboundFrame, MessageMeta, TransportEvent } from './transport.ts';
import type { LiveAgentSnapshot, LiveAgentStatus, TranscriptTurn } from './types.ts';
import type { UsageTracker } from './usage.ts';
import type { UsageMetadata } from './wire.ts';

/** The session state the inbound handler writes to. */
export interface InboundDeps {
  store: SnapshotStore;
  emit: Emit<LiveAgentEventMap>;
  connector: Connector;
  transcript: TranscriptStore;
  tools: ToolManager;
  usage: UsageTracker;
  metrics: MetricsTracker;
  playback: PlaybackTurns;
  stats: SessionStats;
}

/** Routes server messages and transport events into the session's managers. */
export class InboundHandler {
  private meta: MessageMeta | null = null;
  /** `autoplay-blocked` was reported for the current gesture wait (once per wait). */
  private blockedReported = false;

  constructor(private readonly d: InboundDeps) {}

  /** One server frame: raw `message` event first, then its events in the codec's order. */
  handleFrame(frame: InboundFrame, meta: MessageMeta): void {
    this.d.stats.messages++;
    this.meta = meta;
    this.d.store.batch(() => {
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
    const { store, emit, metrics } = this.d;
    if (event.type === 'error')
      return emit('error', { error: reviveError(event.error), fatal: false });
    // The local VAD's estimate; the server's transcription confirms it later.
    if (event.type === 'speech-start') store.update({ userSpeaking: true });
    if (event.type === 'speech-end') store.update({ userSpeaking: false });
    const turn = metrics.handleEvent(event);
    store.update({ metrics: metrics.current });
    if (turn) emit('metrics', { turn });
  }

  /** A transcript turn was added or changed. */
  handleTranscript(turn: TranscriptTurn, transcript: readonly TranscriptTurn[]): void {
    this.d.store.update({ transcript });
    this.d.emit('transcript', { turn, transcript });
  }

  /** The first connection completed setup (Vertex adds a sessionId). */
  handleSetupComplete(setup: Record<string, unknown>): void {
    const { sessionId } = setup;
    this.d.emit('setupcomplete', typeof sessionId === 'string' ? { sessionId } : {});
  }

  /** A dropped connection is being re-established (attempt n after `delayMs`). */
  handleReconnecting(attempt: number, delayMs: number, cause: LiveAgentError): void {
    this.d.store.update({ reconnectAttempt: attempt });
    this.d.emit('reconnecting', { attempt, delayMs, cause });
  }

  /** A new connection took over after a goAway hand-off or a drop. */
  handleResumed(handoff: boolean, gapMs: number): void {
    this.d.store.update({ goAwayAt: null, reconnectAttempt: 0 });
    this.d.emit('resumed', { handoff, gapMs });
  }

  /** Status change: snapshot patch, `status` event, and `error {fatal: true}` when it ends badly. */
  handleStatus(status: LiveAgentStatus, previous: LiveAgentStatus, error?: LiveAgentError): void {
    const { store, emit } = this.d;
    store.batch(() => {
      const patch: Partial<LiveAgentSnapshot> = { status };
      if (status === 'connecting') Object.assign(patch, { error: null, reconnectAttempt: 0 });
      if (status === 'connected') patch.reconnectAttempt = 0;
      if (status === 'closed' || status === 'error') {
        const quiet = { goAwayAt: null, agentSpeaking: false, userSpeaking: false };
        Object.assign(patch, quiet, { sessionResumable: false });
        this.d.tools.abortAll(status);
      }
      if (error) patch.error = error;
      store.update(patch);
      emit('status', { status, previous });
      if (error) emit('error', { error, fatal: true });
    });
  }

  /** Media graph events: autoplay gesture needs, device changes, a microphone that is gone. */
  handleMediaEvent(event: MediaEvent): void {
    if (event.type === 'needs-gesture') this.setNeedsGesture(event.needsGesture);
    if (event.type === 'device') {
      const { kind, deviceId, reason } = event;
      this.d.emit('device', { kind, deviceId, reason });
    }
    if (event.type === 'track-ended' && event.kind === 'audio') {
      const error = new MediaError('device-error', 'The microphone was lost and none replaced it');
      this.d.emit('error', { error, fatal: false });
    }
  }

  /** Updates `needsGesture` and emits `gesture` only when it changed. */
  setNeedsGesture(needsGesture: boolean): void {
    if (!needsGesture) this.blockedReported = false;
    if (this.d.store.get().needsGesture === needsGesture) return;
    this.d.store.update({ needsGesture });
    this.d.emit('gesture', { needsGesture });
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
        return this.handleInterrupted();
      case 'turnComplete':
        return this.handleTurnComplete(event.reason);
      case 'toolCall':
        return this.d.tools.handleToolCall(event.calls);
      case 'toolCallCancellation':
        return this.d.tools.handleCancellation(event.ids);
      case 'goAway':
        return this.handleGoAway(event.timeLeftMs);
      case 'error':
        return this.d.emit('error', { error: reviveError(event.error), fatal: false });
    }
  }

  private handleResumption(handle: string): void {
    this.d.connector.handleResumptionUpdate(handle);
    this.d.store.update({ sessionResumable: this.d.connector.resumeHandle !== undefined });
  }

  private handleUsage(last: UsageMetadata): void {
    const total = this.d.usage.handleUsage(last);
    this.d.store.update({ usage: total });
    this.d.emit('usage', { total, last });
  }

  private handleInputTranscription(text: string | undefined, finished: boolean): void {
    this.d.transcript.handleInput(text, finished);
    if (text) this.d.store.update({ userSpeaking: true });
    if (finished) this.d.store.update({ userSpeaking: false });
  }

  private handleModelAudio(parts: number): void {
    this.d.stats.audioChunks += parts;
    this.d.stats.audioBytes += this.meta?.audioBytes ?? 0;
    this.d.playback.handleAudio(this.meta?.audioTurnId);
    this.d.playback.handleModelTurn(this.d.transcript.openModelTurnId);
    this.d.transcript.handleModelStart();
    this.d.store.update({ agentSpeaking: true, userSpeaking: false });
    if (this.d.store.get().needsGesture && !this.blockedReported) {
      // The model is talking and nobody hears it: the app should ask for a tap (resumeAudio).
      this.blockedReported = true;
      const error = new MediaError(
        'autoplay-blocked',
        'Model audio arrives but the browser blocks playback until a user gesture (resumeAudio)',
      );
      this.d.emit('error', { error, fatal: false });
    }
  }

  private handleModelText(text: string): void {
    this.d.playback.handleModelTurn(this.d.transcript.handleModelText(text));
  }

  private handleOutputTranscription(text: string | undefined, finished: boolean): void {
    this.d.playback.handleModelTurn(this.d.transcript.handleModelText(text, finished));
    if (text) this.d.store.update({ agentSpeaking: true, userSpeaking: false });
  }

  private handleInterrupted(): void {
    this.d.transcript.handleInterrupted();
    this.d.playback.endReply();
    this.d.store.update({ agentSpeaking: false });
    this.d.emit('interrupted', {});
    this.d.connector.handleIdle();
  }

  private handleTurnComplete(reason: string | undefined): void {
    this.d.transcript.handleTurnComplete();
    this.d.playback.endReply();
    this.d.store.update({ agentSpeaking: false, userSpeaking: false });
    this.d.emit('turncomplete', reason === undefined ? {} : { reason });
    this.d.connector.handleIdle();
  }

  private handleGoAway(timeLeftMs: number): void {
    this.d.store.update({ goAwayAt: Date.now() + timeLeftMs });
    this.d.emit('goaway', { timeLeftMs });
    this.d.connector.handleGoAway(timeLeftMs);
  }
}

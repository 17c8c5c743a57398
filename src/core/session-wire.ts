/**
 * How the session is assembled: the connector's dependencies, and the subscriptions that connect
 * the managers' typed events to the inbound router, the outbox and the public event map. Kept out
 * of session.ts so the session reads as its public API.
 */
import { Connector } from './connector.ts';
import type { LiveAgentEventMap, TypedEmitter } from './events.ts';
import type { InboundHandler } from './inbound.ts';
import type { LiveMedia } from './media.ts';
import type { Outbox } from './outbox.ts';
import { ReconnectPolicy } from './reconnect.ts';
import { buildOpenParams } from './session-support.ts';
import type { SessionMedia } from './session-media.ts';
import type { SessionVideo } from './session-video.ts';
import type { SpeakingState } from './speaking.ts';
import { TokenProvider } from './token.ts';
import type { ToolManager } from './tools.ts';
import type { TranscriptStore } from './transcript.ts';
import type { LiveTransport, TransportCapabilities } from './transport.ts';
import type { LiveAgentOptions } from './types.ts';
import type { FunctionResponse } from './wire.ts';

/** The connector of a session, from its options and the managers it reads. */
export function createConnector(
  options: LiveAgentOptions,
  deps: { transport: LiveTransport; fetch?: typeof fetch },
  parts: {
    media: SessionMedia;
    video: SessionVideo;
    tools: ToolManager;
    transcript: TranscriptStore;
    speaking: SpeakingState;
    capabilities: TransportCapabilities;
  },
): Connector {
  const { media, video, tools, transcript, speaking, capabilities } = parts;
  return new Connector({
    transport: deps.transport,
    token: new TokenProvider(options.token, {
      allowApiKey: options.allowApiKey,
      fetch: deps.fetch,
      timeoutMs: options.connectTimeoutMs ?? 15_000,
    }),
    policy: new ReconnectPolicy(options.reconnect),
    openParams: (credential, handle) =>
      buildOpenParams(
        options,
        credential,
        handle,
        capabilities.tools ? tools.declarations() : [],
        video.available,
      ),
    startMedia: () => {
      video.resetRun();
      return media.start();
    },
    shutdown: async () => {
      video.stop('disconnected');
      await media.stop();
      deps.transport.release?.();
    },
    isBusy: () =>
      transcript.modelTurnOpen || speaking.agentSpeaking || tools.pendingCalls.length > 0,
    limits: () => ({
      video: video.sent,
      compressed:
        options.config?.contextWindowCompression?.slidingWindow != null ||
        (video.available &&
          !options.config?.contextWindowCompression &&
          options.videoCompression !== false),
    }),
    now: () => Date.now(),
  });
}

/** What wireSession connects. */
export interface SessionWiring {
  emitter: TypedEmitter<LiveAgentEventMap>;
  transport: LiveTransport;
  media: LiveMedia | null;
  tools: ToolManager;
  connector: Connector;
  outbox: Outbox<FunctionResponse[]>;
  inbound: InboundHandler;
  publish(): void;
}

/** Subscribes everything; returns the unsubscribers of the outside sources (transport, media). */
export function wireSession(w: SessionWiring): (() => void)[] {
  const { tools, connector, inbound, emitter, outbox } = w;
  tools.events.on('send', (responses) => outbox.deliver(responses));
  tools.events.on('toolcall', (e) => emitter.emit('toolcall', e));
  tools.events.on('toolresult', (e) => emitter.emit('toolresult', e));
  tools.events.on('toolcancel', (e) => emitter.emit('toolcancel', e));
  tools.events.on('failed', ({ error }) => emitter.emit('error', { error, fatal: false }));
  tools.events.on('pending', (pending) => {
    w.publish();
    if (pending.length === 0) connector.handleIdle();
  });
  const on = connector.events;
  on.on('frame', ({ frame, meta }) => inbound.handleFrame(frame, meta));
  on.on('malformed', (error) => emitter.emit('error', { error, fatal: false }));
  on.on('error', (error) => emitter.emit('error', { error, fatal: false }));
  on.on('status', ({ status, previous, error }) => {
    if (status === 'closed' || status === 'error') outbox.clear();
    inbound.handleStatus(status, previous, error);
  });
  on.on('setupcomplete', ({ sessionId }) =>
    emitter.emit('setupcomplete', typeof sessionId === 'string' ? { sessionId } : {}),
  );
  on.on('reconnecting', (e) => inbound.handleReconnecting(e.attempt, e.delayMs, e.cause));
  // The fresh session knows none of the old calls: answering them would be refused.
  on.on('contextlost', (error) => {
    tools.abortAll('context lost');
    outbox.clear();
    emitter.emit('error', { error, fatal: false });
  });
  on.on('resumed', ({ handoff, gapMs }) => {
    outbox.flush();
    inbound.handleResumed(handoff, gapMs);
  });
  const cleanups: (() => void)[] = [];
  const off = w.transport.onEvent?.((event) => inbound.handleTransportEvent(event));
  if (off) cleanups.push(off);
  if (w.media) cleanups.push(w.media.on((event) => inbound.handleMediaEvent(event)));
  return cleanups;
}

/**
 * Main-thread side of the default transport: the WebSocket, the Gemini codec and the audio pipes
 * live in a module Worker (live.worker.ts); this file wraps it with comlink, passes intents in and
 * decoded frames out (in order, as they come: the session's slot holds them until it is ready),
 * revives errors into typed LiveAgentErrors on arrival and frees the worker when the session
 * closes.
 */
import {
  ConnectionError,
  LiveAgentError,
  ProtocolError,
  reviveError,
  serializeError,
} from '../core/errors.ts';
import {
  intentMethods,
  type LiveConnection,
  type LiveTransport,
  type OpenParams,
  type TransportEvent,
} from '../core/transport.ts';
import type { ConnectionPortMessage, EventPortMessage, WorkerApi } from '../worker/protocol.ts';
import type { AnyWireOpenParams } from './connection.ts';
import { trustedScriptUrl } from './assets.ts';
import { GEMINI_CAPABILITIES, toWireParams } from './codec.ts';
import { transfer, wrap, type Remote } from 'comlink';

export interface WorkerTransportOptions {
  /** Where `live-agent.worker.js` is served; default: beside this bundle. */
  workerUrl?: string | URL;
  /**
   * Takes precedence over `workerUrl`. A function that starts a Worker running live.worker.ts: the
   * transport owns its workers (one per session run, terminated when the session closes). A Worker
   * instance stays yours: it is reused across runs and terminated only by dispose().
   */
  worker?: Worker | (() => Worker);
}

/**
 * Which wire the worker speaks: its capabilities and how one open's parameters are prepared on
 * the main thread (Gemini: URL and setup frame; ADK: the REST session, then the socket URL).
 */
export interface WireKind {
  capabilities: LiveTransport['capabilities'];
  prepare(params: OpenParams): AnyWireOpenParams | Promise<AnyWireOpenParams>;
}

const GEMINI_WIRE: WireKind = { capabilities: GEMINI_CAPABILITIES, prepare: toWireParams };

/** One started worker and what the main side keeps about it. */
interface Handle {
  worker: Worker;
  api: Remote<WorkerApi>;
  events: MessageChannel;
  broken: LiveAgentError | null;
  /** Rejecters of open() calls in flight (a broken or released worker never answers them). */
  pending: Set<(error: LiveAgentError) => void>;
  /** One promise per open connection, settled by its close: release() lets sockets close first. */
  live: Set<Promise<void>>;
}

/** How long release() waits for open sockets to finish their closing handshake. */
const CLOSE_GRACE_MS = 1000;

function notConnected(): ConnectionError {
  return new ConnectionError('not-connected', 'The connection is closed', undefined, '');
}

/** The SDK worker (live-agent.worker.js), from `workerUrl` or beside this module. */
export function defaultWorker(workerUrl: string | URL | undefined): Worker {
  return workerUrl
    ? new Worker(trustedScriptUrl(workerUrl), { type: 'module', name: 'live-agent' })
    : // Literal pattern: app bundlers see it and ship dist/live-agent.worker.js with the app.
      new Worker(trustedScriptUrl(new URL('./live-agent.worker.js', import.meta.url)), {
        type: 'module',
        name: 'live-agent',
      });
}

/**
 * The default LiveTransport: Live wire client and audio in a module Worker, started on first use
 * and terminated by release() when the session closes (the next connect starts a fresh one).
 */
export function createWorkerTransport(
  options: WorkerTransportOptions = {},
  wire: WireKind = GEMINI_WIRE,
): LiveTransport {
  const given = options.worker;
  const owned = typeof given !== 'object';
  const listeners = new Set<(event: TransportEvent) => void>();
  const emit = (event: TransportEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const reportError = (error: unknown): void =>
    emit({ type: 'error', error: serializeError(error) });
  let current: Handle | null = null;
  let micEnabled = true;
  let nextId = 1;

  function spawn(): Handle {
    const worker =
      typeof given === 'function' ? given() : (given ?? defaultWorker(options.workerUrl));
    const h: Handle = {
      worker,
      api: wrap<WorkerApi>(worker),
      events: new MessageChannel(),
      broken: null,
      pending: new Set(),
      live: new Set(),
    };
    // A worker that fails to load never answers: fail pending opens instead of hanging. Once it
    // has answered, an error event is an exception that escaped one of its handlers: the worker
    // still runs, so it is reported but must not fail every later open (a goAway hand-off).
    let loaded = false;
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault?.();
      if (loaded) {
        reportError(new ProtocolError('protocol', `live-agent worker: ${event.message}`));
        return;
      }
      h.broken = new LiveAgentError(
        'unsupported',
        `The live-agent worker failed: ${event.message || 'load error'}`,
      );
      for (const fail of h.pending) fail(h.broken);
      reportError(h.broken);
    });
    h.events.port1.onmessage = (e: MessageEvent<EventPortMessage>) => emit(e.data.event);
    h.api
      .subscribe(transfer(h.events.port2, [h.events.port2]))
      .then(() => (loaded = true), reportError);
    // A fresh worker starts with the mic on: carry a mute over from the previous run.
    if (!micEnabled) h.api.setMicEnabled(false).catch(reportError);
    return h;
  }
  const ensure = (): Handle => (current ??= spawn());

  /** Detaches the current worker at once, then disposes and terminates it in the background. */
  function release(force: boolean): void {
    const h = current;
    if (!h || (!owned && !force)) return;
    current = null;
    const aborted = new LiveAgentError('aborted', 'The transport was released');
    for (const fail of h.pending) fail(aborted);
    const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
    void Promise.race([Promise.all(h.live), grace])
      .then(() => Promise.race([h.api.dispose(), grace]))
      .catch(() => undefined)
      .finally(() => {
        h.events.port1.close();
        h.worker.terminate();
      });
  }

  function makeConnection(
    h: Handle,
    id: number,
    setupComplete: Record<string, unknown>,
    isClosed: () => boolean,
    markClosed: () => void,
  ): LiveConnection {
    return {
      id,
      setupComplete,
      ...intentMethods((intent) => {
        if (isClosed()) throw notConnected();
        h.api.send(id, intent).then((result) => {
          if (!result.ok) reportError(reviveError(result.error));
        }, reportError);
      }),
      activate() {
        h.api.activate(id).catch(reportError);
      },
      close(code?: number, reason?: string) {
        if (isClosed()) return;
        markClosed();
        h.api.close(id, code, reason).catch(reportError);
      },
    };
  }

  return {
    capabilities: wire.capabilities,

    async open(params, handlers) {
      const wireParams = await wire.prepare(params);
      const h = ensure();
      if (h.broken) throw h.broken;
      const id = nextId++;
      const channel = new MessageChannel();
      let closed = false;
      let settle: () => void = () => {};
      const done = new Promise<void>((resolve) => (settle = resolve));
      h.live.add(done);
      void done.then(() => h.live.delete(done));
      // Port messages may overtake the RPC answer; the session's slot holds them until it is ready.
      const deliver = (msg: ConnectionPortMessage): void => {
        if (msg.type === 'message') handlers.message(msg.frame, msg.meta);
        else if (msg.type === 'messages')
          for (const item of msg.items) handlers.message(item.frame, item.meta);
        else if (msg.type === 'malformed') handlers.malformed(msg.error);
        else {
          closed = true;
          channel.port1.close();
          settle();
          handlers.close(msg.info);
        }
      };
      channel.port1.onmessage = (e: MessageEvent<ConnectionPortMessage>) => deliver(e.data);
      let fail: (error: LiveAgentError) => void = () => {};
      const failed = new Promise<never>((_, reject) => (fail = reject));
      h.pending.add(fail);
      try {
        const result = await Promise.race([
          h.api.open(id, wireParams, transfer(channel.port2, [channel.port2])),
          failed,
        ]);
        if (!result.ok) throw reviveError(result.error);
        return makeConnection(
          h,
          id,
          result.setupComplete,
          () => closed,
          () => (closed = true),
        );
      } catch (error) {
        channel.port1.close();
        settle();
        throw error instanceof LiveAgentError ? error : reviveError(serializeError(error));
      } finally {
        h.pending.delete(fail);
      }
    },

    async attachMedia(ports) {
      const transferables = [ports.capture?.port, ports.playback?.port].filter(
        (p): p is MessagePort => p !== undefined,
      );
      await ensure().api.attachMedia(transfer(ports, transferables));
    },

    async attachVideo({ port, settings }) {
      await ensure().api.attachVideo(transfer(port, [port]), settings);
    },

    setMicEnabled(enabled) {
      micEnabled = enabled;
      current?.api.setMicEnabled(enabled).catch(reportError);
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    release() {
      release(false);
    },

    dispose() {
      // Best effort: the worker closes sockets with 1000 before it is terminated.
      release(true);
      listeners.clear();
    },
  };
}

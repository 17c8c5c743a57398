/**
 * Main-thread side of the default transport: the WebSocket and the audio pipes live in a module
 * Worker (live.worker.ts); this file wraps it with comlink, revives errors into typed
 * LiveAgentErrors on arrival and delivers server messages in order.
 */
import { transfer, wrap, type Remote } from 'comlink';
import { ConnectionError, LiveAgentError, reviveError, serializeError } from '../core/errors.ts';
import type { LiveConnection, LiveTransport, TransportEvent } from '../core/transport.ts';
import type { ClientMessage } from '../core/wire.ts';
import type { ConnectionPortMessage, EventPortMessage, WorkerApi } from '../worker/protocol.ts';
import { trustedScriptUrl } from './assets.ts';
import { toWireParams } from './codec.ts';

export interface WorkerTransportOptions {
  /** Where `live-agent.worker.js` is served; default: beside this bundle. */
  workerUrl?: string | URL;
  /** A ready Worker running live.worker.ts (tests, custom bundlers). Takes precedence. */
  worker?: Worker;
}

function notConnected(): ConnectionError {
  return new ConnectionError('not-connected', 'The connection is closed', undefined, '');
}

/** The default LiveTransport: Live wire client and audio in a module Worker. */
export function createWorkerTransport(options: WorkerTransportOptions = {}): LiveTransport {
  const worker =
    options.worker ??
    (options.workerUrl
      ? new Worker(trustedScriptUrl(options.workerUrl), { type: 'module', name: 'live-agent' })
      : // Literal pattern: app bundlers see it and ship dist/live-agent.worker.js with the app.
        new Worker(trustedScriptUrl(new URL('./live-agent.worker.js', import.meta.url)), {
          type: 'module',
          name: 'live-agent',
        }));
  const api: Remote<WorkerApi> = wrap<WorkerApi>(worker);
  const listeners = new Set<(event: TransportEvent) => void>();
  const emit = (event: TransportEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const reportError = (error: unknown): void =>
    emit({ type: 'error', error: serializeError(error) });

  // A worker that fails to load never answers: fail pending opens instead of hanging.
  let broken: LiveAgentError | null = null;
  const failPending = new Set<(error: LiveAgentError) => void>();
  worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault?.();
    broken = new LiveAgentError(
      'unsupported',
      `The live-agent worker failed: ${event.message || 'load error'}`,
    );
    for (const fail of failPending) fail(broken);
    reportError(broken);
  });

  const events = new MessageChannel();
  events.port1.onmessage = (e: MessageEvent<EventPortMessage>) => emit(e.data.event);
  api.subscribe(transfer(events.port2, [events.port2])).catch(reportError);
  let nextId = 1;

  function makeConnection(
    id: number,
    setupComplete: Record<string, unknown>,
    isClosed: () => boolean,
    markClosed: () => void,
  ): LiveConnection {
    return {
      id,
      setupComplete,
      send(message: ClientMessage) {
        if (isClosed()) throw notConnected();
        api.send(id, message).then((result) => {
          if (!result.ok) reportError(reviveError(result.error));
        }, reportError);
      },
      activate() {
        api.activate(id).catch(reportError);
      },
      close(code?: number, reason?: string) {
        if (isClosed()) return;
        markClosed();
        api.close(id, code, reason).catch(reportError);
      },
    };
  }

  return {
    async open(params, handlers) {
      if (broken) throw broken;
      const wireParams = toWireParams(params);
      const id = nextId++;
      const channel = new MessageChannel();
      let closed = false;
      // Port messages may overtake the RPC answer: hold them until open() has resolved.
      let held: ConnectionPortMessage[] | null = [];
      const deliver = (msg: ConnectionPortMessage): void => {
        if (msg.type === 'message') handlers.message(msg.message, msg.meta);
        else if (msg.type === 'malformed') handlers.malformed(msg.error);
        else {
          closed = true;
          channel.port1.close();
          handlers.close(msg.info);
        }
      };
      channel.port1.onmessage = (e: MessageEvent<ConnectionPortMessage>) => {
        if (held) held.push(e.data);
        else deliver(e.data);
      };
      let fail: (error: LiveAgentError) => void = () => {};
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failPending.add(fail);
      try {
        const result = await Promise.race([
          api.open(id, wireParams, transfer(channel.port2, [channel.port2])),
          failed,
        ]);
        if (!result.ok) throw reviveError(result.error);
        const connection = makeConnection(
          id,
          result.setupComplete,
          () => closed,
          () => (closed = true),
        );
        // Flush after the caller has the connection; later frames keep queueing until then.
        setTimeout(() => {
          const queue = held ?? [];
          held = null;
          queue.forEach(deliver);
        }, 0);
        return connection;
      } catch (error) {
        channel.port1.close();
        throw error instanceof LiveAgentError ? error : reviveError(serializeError(error));
      } finally {
        failPending.delete(fail);
      }
    },

    async attachMedia(ports) {
      const transferables = [ports.capture?.port, ports.playback?.port].filter(
        (p): p is MessagePort => p !== undefined,
      );
      await api.attachMedia(transfer(ports, transferables));
    },

    setMicEnabled(enabled) {
      api.setMicEnabled(enabled).catch(reportError);
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    dispose() {
      // Best effort: the worker closes sockets with 1000 before it is terminated.
      void api.dispose().finally(() => worker.terminate());
      setTimeout(() => worker.terminate(), 1000);
      events.port1.close();
      listeners.clear();
    },
  };
}

/**
 * The Live wire client on the current thread, without media: for Node (pass `ws`), tests,
 * server-side agents and pages that cannot run module workers. Same codec and connection
 * logic as the worker; audio parts are delivered in the messages (not played).
 */
import { LiveAgentError } from '../core/errors.ts';
import { intentMethods, type LiveConnection, type LiveTransport } from '../core/transport.ts';
import { GEMINI_CAPABILITIES, toWireParams } from './codec.ts';
import { openConnection, type SocketConstructor, type WireConnection } from './connection.ts';

export interface DirectTransportOptions {
  /** WebSocket constructor; default `globalThis.WebSocket` (in Node < 22 pass `ws`). */
  WebSocket?: SocketConstructor | typeof WebSocket;
}

/** A LiveTransport whose socket lives on this thread. */
export function createDirectTransport(options: DirectTransportOptions = {}): LiveTransport {
  const open = new Set<WireConnection>();
  let nextId = 1;

  return {
    capabilities: GEMINI_CAPABILITIES,

    async open(params, handlers): Promise<LiveConnection> {
      const WS = (options.WebSocket ?? globalThis.WebSocket) as SocketConstructor | undefined;
      if (!WS) throw new LiveAgentError('unsupported', 'No WebSocket implementation available');
      const id = nextId++;
      const wire = await openConnection(
        toWireParams(params),
        {
          message: handlers.message,
          malformed: handlers.malformed,
          close: (info) => {
            open.delete(wire);
            handlers.close(info);
          },
        },
        { id, WebSocket: WS },
      );
      open.add(wire);
      return {
        id,
        setupComplete: wire.setupComplete,
        ...intentMethods((intent) => wire.send(intent)),
        // No media on this thread: nothing to route.
        activate: () => {},
        close: (code, reason) => wire.close(code, reason),
      };
    },
    dispose() {
      for (const wire of open) wire.close(1000, 'disposed');
      open.clear();
    },
  };
}

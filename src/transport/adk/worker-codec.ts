/**
 * The ADK wire's worker half, loaded by the worker with a dynamic `import()` only when an ADK
 * connection opens (`live-agent-adk.worker.js` beside the worker): everything connection.ts does
 * differently for ADK lives behind `createWireCodec()`, so the Gemini voice path carries none of it.
 */
import type { ServerMessage } from '../../core/wire.ts';
import type { WireCodec } from '../connection.ts';
import { AdkDecoder, encodeAdkIntent, normaliseAdkAudio, serializeAdkRequest } from './codec.ts';
import { adkCloseError, adkHandshakeError } from './wire.ts';

/** One ADK connection's codec (its decoder keeps per-connection state). */
export function createWireCodec(): WireCodec {
  const decoder = new AdkDecoder();
  return {
    encode: (intent) => serializeAdkRequest(encodeAdkIntent(intent)),
    decode(event) {
      normaliseAdkAudio(event);
      const events = decoder.decode(event);
      const content = event['content'] as { role?: string; parts?: unknown[] } | undefined;
      // The audio sink reads Gemini's shape: a view over the same parts (stripped in place).
      const view = {
        serverContent: {
          // Ours or ADK's: a local barge-in flushes the playback just the same.
          ...(events.some((e) => e.type === 'interrupted') && { interrupted: true }),
          ...(event['turnComplete'] === true && { turnComplete: true }),
          ...(content?.role !== 'user' &&
            Array.isArray(content?.parts) && { modelTurn: { parts: content.parts } }),
        },
      } as ServerMessage;
      return { events, view };
    },
    handshakeError: adkHandshakeError,
    // ADK's codes mean other things (1002: no such session); a client close stays plain.
    closeError: (code, reason) =>
      code === 1000 || code === 1005 ? undefined : adkCloseError(code, reason),
  };
}

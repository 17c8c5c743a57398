/** ConnectionHandlers that record what a connection delivers, for transport tests. */
import type { SerializedError } from '../../src/core/errors.ts';
import type {
  CloseInfo,
  ConnectionHandlers,
  InboundEvent,
  InboundFrame,
  MessageMeta,
} from '../../src/core/transport.ts';
import type { ServerMessage } from '../../src/core/wire.ts';

export function recorder() {
  const messages: { message: ServerMessage; events: InboundEvent[]; meta: MessageMeta }[] = [];
  const malformed: SerializedError[] = [];
  const closes: CloseInfo[] = [];
  const handlers: ConnectionHandlers = {
    message: (frame: InboundFrame, meta: MessageMeta) =>
      void messages.push({ message: frame.raw, events: frame.events, meta }),
    malformed: (e: SerializedError) => void malformed.push(e),
    close: (info: CloseInfo) => void closes.push(info),
  };
  return { messages, malformed, closes, handlers };
}

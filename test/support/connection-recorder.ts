/** ConnectionHandlers that record what a connection delivers, for transport tests. */
import type { SerializedError } from '../../src/core/errors.ts';
import type { CloseInfo, MessageMeta } from '../../src/core/transport.ts';
import type { ServerMessage } from '../../src/core/wire.ts';

export function recorder() {
  const messages: { message: ServerMessage; meta: MessageMeta }[] = [];
  const malformed: SerializedError[] = [];
  const closes: CloseInfo[] = [];
  return {
    messages,
    malformed,
    closes,
    handlers: {
      message: (message: ServerMessage, meta: MessageMeta) => messages.push({ message, meta }),
      malformed: (e: SerializedError) => malformed.push(e),
      close: (info: CloseInfo) => closes.push(info),
    },
  };
}

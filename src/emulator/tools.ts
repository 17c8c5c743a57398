/**
 * Pending function calls of one session. Unknown ids in a `toolResponse` are ignored (logged), not
 * fatal: the recorded Google sessions show the service accepting a response for an id it never
 * issued without closing. A response without id (Vertex style) matches the oldest call by name.
 */
import { randomInt } from 'node:crypto';
import type {
  FunctionDeclaration,
  FunctionResponse,
  ServerMessage,
  SetupBody,
} from '../core/wire.ts';

/** Rejection reason of a call the emulator cancelled (barge-in, "cancel", close). */
export class ToolCallCancelledError extends Error {
  constructor(readonly id: string) {
    super(`tool call ${id} was cancelled`);
    this.name = 'ToolCallCancelledError';
  }
}

interface Pending {
  id: string;
  name: string;
  blocking: boolean;
  /** Which reply issued it: interrupting that reply cancels its blocking calls. */
  owner: object | undefined;
  resolve(response: FunctionResponse): void;
  reject(error: Error): void;
}

/** Issues toolCall messages and matches the client's responses to them. */
export class ToolCalls {
  private readonly pending = new Map<string, Pending>();
  /** toolCall messages sent over the session's life (kept across resumption). */
  issued = 0;

  constructor(
    private readonly send: (message: ServerMessage) => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Ids still waiting for a response, oldest first. */
  get ids(): string[] {
    return [...this.pending.keys()];
  }

  /** The name of a pending call. */
  nameOf(id: string): string | undefined {
    return this.pending.get(id)?.name;
  }

  /** Sends a toolCall; resolves with the client's response. */
  call(
    name: string,
    args: Record<string, unknown>,
    blocking: boolean,
    owner: object | undefined,
  ): { id: string; result: Promise<FunctionResponse> } {
    // Same shape as Google's ids ("function-call-5831923424298605773").
    const id = `function-call-${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`;
    this.issued += 1;
    const result = new Promise<FunctionResponse>((resolve, reject) => {
      this.pending.set(id, { id, name, blocking, owner, resolve, reject });
    });
    // Callers that never await a NON_BLOCKING result must not produce unhandled rejections.
    result.catch(() => undefined);
    this.send({ toolCall: { functionCalls: [{ id, name, args }] } });
    return { id, result };
  }

  /** Routes the client's toolResponse to the waiting calls. */
  respond(responses: FunctionResponse[]): FunctionResponse[] {
    const matched: FunctionResponse[] = [];
    for (const r of responses) {
      const id = r.id ?? [...this.pending.values()].find((p) => p.name === r.name)?.id ?? '(no id)';
      const p = this.pending.get(id);
      if (!p) {
        this.log(`toolResponse for unknown or cancelled id ${id} ignored`);
        continue;
      }
      this.pending.delete(id);
      matched.push(r);
      p.resolve(r);
    }
    return matched;
  }

  /** Cancels calls (all when `ids` is omitted) and tells the client with toolCallCancellation. */
  cancel(ids: string[] = this.ids): string[] {
    const cancelled = ids.filter((id) => this.pending.has(id));
    if (cancelled.length === 0) return [];
    this.send({ toolCallCancellation: { ids: cancelled } });
    for (const id of cancelled) {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.reject(new ToolCallCancelledError(id));
    }
    return cancelled;
  }

  /** Cancels the blocking calls a reply is waiting for (the user barged in). */
  cancelOwnedBy(owner: object): string[] {
    return this.cancel(
      [...this.pending.values()].filter((p) => p.owner === owner && p.blocking).map((p) => p.id),
    );
  }

  /** Rejects everything without telling the client (the socket is gone). */
  dispose(): void {
    for (const p of this.pending.values()) p.reject(new ToolCallCancelledError(p.id));
    this.pending.clear();
  }
}

/** Finds a function declared in the setup's tools. */
export function findDeclaration(setup: SetupBody, name: string): FunctionDeclaration | undefined {
  for (const tool of setup.tools ?? []) {
    for (const decl of tool.functionDeclarations ?? []) if (decl.name === name) return decl;
  }
  return undefined;
}

/**
 * What an agent server reports about itself (ADK): which of its agents is answering, and the
 * tools it runs on its own side. The session only shows these — a server-run tool is never
 * executed or answered here (client tools are tools.ts). Owns the `agent` and `serverToolCalls`
 * slice of the snapshot; the Gemini transport never feeds it, so both stay empty there.
 */
import type { ServerToolCall } from './types.ts';

/** Server tool calls kept in the snapshot (a long call keeps its entry until 20 newer ones). */
export const SERVER_TOOL_CALLS_KEPT = 20;

export class AgentState {
  private current: string | null = null;
  private calls: readonly ServerToolCall[] = Object.freeze([]);

  constructor(private readonly now: () => number = Date.now) {}

  get slice(): { agent: string | null; serverToolCalls: readonly ServerToolCall[] } {
    return { agent: this.current, serverToolCalls: this.calls };
  }

  /** The agent answering now; returns the change, or null when it is the same agent. */
  handleAgent(name: string): { from: string | null; to: string } | null {
    if (name === this.current) return null;
    const from = this.current;
    this.current = name;
    return { from, to: name };
  }

  /** A call the server makes; returns the (frozen) entry. */
  handleCall(id: string, name: string, args: Record<string, unknown>, longRunning: boolean) {
    const call: ServerToolCall = Object.freeze({
      id,
      name,
      args: Object.freeze({ ...args }),
      longRunning,
      agent: this.current,
      calledAt: this.now(),
    });
    this.put(
      call,
      this.calls.findIndex((c) => id !== '' && c.id === id && !c.response),
    );
    return call;
  }

  /**
   * A result: completes the open call with the same id (or, without ids, the oldest open call of
   * that name); a result whose call was never seen (it came before a reconnect) gets an entry.
   */
  handleResult(id: string, name: string, response: Record<string, unknown>): ServerToolCall {
    const index = this.calls.findIndex(
      (c) => !c.response && c.name === name && (id === '' || c.id === id),
    );
    const at = this.now();
    const call: ServerToolCall = Object.freeze({
      ...(this.calls[index] ?? { id, name, args: {}, longRunning: false, agent: this.current }),
      calledAt: this.calls[index]?.calledAt ?? at,
      response: Object.freeze({ ...response }),
      respondedAt: at,
    });
    this.put(call, index);
    return call;
  }

  private put(call: ServerToolCall, index: number): void {
    const next = [...this.calls];
    if (index >= 0) next[index] = call;
    else next.push(call);
    this.calls = Object.freeze(next.slice(-SERVER_TOOL_CALLS_KEPT));
  }
}

/**
 * What an agent server reports about itself (ADK): which of its agents is answering, and the
 * tools it runs on its own side. The session only shows these — a server-run tool is never
 * executed or answered here (client tools are tools.ts). Owns the `agent` and `serverToolCalls`
 * slice of the snapshot; the Gemini transport never feeds it, so both stay empty there.
 */
import type { InboundEvent } from './transport.ts';
import type { ServerToolCall } from './types.ts';

/** Server tool calls kept in the snapshot (a long call keeps its entry until 20 newer ones). */
export const SERVER_TOOL_CALLS_KEPT = 20;

type ToolEvent = Extract<InboundEvent, { type: 'serverToolCall' | 'serverToolResult' }>;

export class AgentState {
  private current: string | null = null;
  private calls: readonly ServerToolCall[] = Object.freeze([]);

  constructor(private readonly now: () => number = Date.now) {}

  get slice(): { agent: string | null; serverToolCalls: readonly ServerToolCall[] } {
    return { agent: this.current, serverToolCalls: this.calls };
  }

  /** The agent answering now; returns the change, or null when it is the same agent. */
  handleAgent(name: string): { from: string | null; to: string } | null {
    const from = this.current;
    this.current = name;
    return name === from ? null : { from, to: name };
  }

  /**
   * A call, or a result: it completes the open call with its id (without ids, the oldest open
   * call of that name); a result whose call was never seen (before a reconnect) gets an entry.
   * Returns the new frozen entry.
   */
  handleTool(e: ToolEvent): ServerToolCall {
    const { id, name } = e;
    const at = this.now();
    const index = this.calls.findIndex(
      (c) =>
        !c.response && c.name === name && (id === '' ? e.type !== 'serverToolCall' : c.id === id),
    );
    const open = this.calls[index];
    const call: ServerToolCall = Object.freeze(
      e.type === 'serverToolCall'
        ? {
            id,
            name,
            args: Object.freeze({ ...e.args }),
            longRunning: e.longRunning,
            agent: this.current,
            calledAt: at,
          }
        : {
            ...(open ?? {
              id,
              name,
              args: {},
              longRunning: false,
              agent: this.current,
              calledAt: at,
            }),
            response: Object.freeze({ ...e.response }),
            respondedAt: at,
          },
    );
    const next = [...this.calls];
    if (index >= 0) next[index] = call;
    else next.push(call);
    this.calls = Object.freeze(next.slice(-SERVER_TOOL_CALLS_KEPT));
    return call;
  }
}

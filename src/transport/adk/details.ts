/**
 * What only ADK events carry, read from one raw event: the author, a transfer, server-side tool
 * calls and results, long-running tool ids, error codes. The decoder (codec.ts) turns the same
 * fields into the session's `agent` / `serverToolCall` / `serverToolResult` events.
 */
import type { InboundEvent } from '../../core/transport.ts';
import type { ServerMessage } from '../../core/wire.ts';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object parts of an event's `content`. */
export function parts(event: Json): Json[] {
  const content = event['content'];
  if (!isObject(content) || !Array.isArray(content['parts'])) return [];
  return content['parts'].filter(isObject);
}

/**
 * The server-side tool calls and results of an event, for display: ADK runs them itself, so they
 * never become the session's client `toolCall`s. Long-running calls are those in
 * `longRunningToolIds`.
 */
export function serverTools(e: Json): InboundEvent[] {
  const longRunning = Array.isArray(e['longRunningToolIds']) ? e['longRunningToolIds'] : [];
  const out: InboundEvent[] = [];
  for (const tool of adkDetails(e).tools) {
    const id = tool.id ?? '';
    out.push(
      tool.kind === 'call'
        ? {
            type: 'serverToolCall',
            id,
            name: tool.name,
            args: tool.data,
            longRunning: id !== '' && longRunning.includes(id),
          }
        : { type: 'serverToolResult', id, name: tool.name, response: tool.data },
    );
  }
  return out;
}

/** A server-side tool call or result, for display only. */
export interface AdkToolActivity {
  kind: 'call' | 'result';
  id?: string;
  name: string;
  /** Call args or result payload (untrusted: render as text). */
  data: Json;
}

/** What only ADK events carry. */
export interface AdkDetails {
  /** The agent that produced the event (`user` for the user's input in 2.x). */
  author?: string;
  /** `actions.transferToAgent`: the agent taking over. */
  transferTo?: string;
  tools: AdkToolActivity[];
  longRunningToolIds: string[];
  errorCode?: string;
  errorMessage?: string;
}

/** Reads the ADK-only fields of an event. */
export function adkDetails(event: ServerMessage): AdkDetails {
  const e = event as Json;
  const out: AdkDetails = { tools: [], longRunningToolIds: [] };
  if (typeof e['author'] === 'string') out.author = e['author'];
  const actions = e['actions'];
  if (isObject(actions) && typeof actions['transferToAgent'] === 'string')
    out.transferTo = actions['transferToAgent'];
  for (const part of parts(e)) {
    for (const [key, kind] of [
      ['functionCall', 'call'],
      ['functionResponse', 'result'],
    ] as const) {
      const value = part[key];
      if (!isObject(value) || typeof value['name'] !== 'string') continue;
      const data = value[kind === 'call' ? 'args' : 'response'];
      out.tools.push({
        kind,
        name: value['name'],
        data: isObject(data) ? data : {},
        ...(typeof value['id'] === 'string' && { id: value['id'] }),
      });
    }
  }
  if (Array.isArray(e['longRunningToolIds']))
    out.longRunningToolIds = e['longRunningToolIds'].filter(
      (id): id is string => typeof id === 'string',
    );
  if (typeof e['errorCode'] === 'string') out.errorCode = e['errorCode'];
  if (typeof e['errorMessage'] === 'string') out.errorMessage = e['errorMessage'];
  return out;
}

/**
 * Tools registry and call runner. Declarations go into setup; calls run their handler on the main
 * thread with an AbortSignal, and the result (or error, or timeout) goes back as a toolResponse
 * with the call's id. Tools without a handler are left to the app (sendToolResponse).
 */
import { LiveAgentError } from './errors.ts';
import { TypedEmitter } from './events.ts';
import type { ToolDefinition } from './types.ts';
import type { FunctionCall, FunctionDeclaration, FunctionResponse } from './wire.ts';

/** What the tool manager reports. */
export interface ToolEvents {
  /** Responses to send (the session queues them while no connection is up). */
  send: FunctionResponse[];
  toolcall: { call: FunctionCall };
  toolresult: { call: FunctionCall; response: FunctionResponse };
  toolcancel: { ids: string[] };
  /**
   * A call could not be answered with a result: its handler threw or timed out, or the tool is
   * unknown. The model gets `{ error }` as the response; the app gets a `tool-failed` error.
   */
  failed: { call: FunctionCall; error: LiveAgentError };
  /** The pending call list (`pendingCalls`, this manager's slice) changed. */
  pending: readonly { id: string; name: string }[];
}

interface Pending {
  call: FunctionCall;
  controller: AbortController | null;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Builds setup declarations and runs tool calls. */
export class ToolManager {
  private tools = new Map<string, ToolDefinition>();
  /** What the current connection declared: its calls still resolve after setTools(). */
  private declared = new Map<string, ToolDefinition>();
  private readonly pending = new Map<string, Pending>();
  private pendingList: readonly { id: string; name: string }[] = Object.freeze([]);
  /** Typed output; the session subscribes once everything is built. */
  readonly events = new TypedEmitter<ToolEvents>();

  constructor(
    private readonly defaultTimeoutMs: number,
    tools: readonly ToolDefinition[] = [],
  ) {
    this.setTools(tools);
  }

  /** Replaces the registry: declarations change at the next setup, handlers at once. */
  setTools(tools: readonly ToolDefinition[]): void {
    this.tools = new Map(tools.map((t) => [t.name, t]));
  }

  private lookup(name: string | undefined): ToolDefinition | undefined {
    if (name === undefined) return undefined;
    return this.tools.get(name) ?? this.declared.get(name);
  }

  /** `functionDeclarations` for setup; handlers stay here. */
  declarations(): FunctionDeclaration[] {
    this.declared = new Map(this.tools);
    return [...this.tools.values()].map((t) => {
      const d: FunctionDeclaration = { name: t.name };
      if (t.description !== undefined) d.description = t.description;
      if (t.parameters !== undefined) d.parameters = t.parameters;
      if (t.parametersJsonSchema !== undefined) d.parametersJsonSchema = t.parametersJsonSchema;
      if (t.behavior !== undefined) d.behavior = t.behavior;
      return d;
    });
  }

  /** Calls awaiting a response. */
  get pendingCalls(): readonly { id: string; name: string }[] {
    return this.pendingList;
  }

  /** `toolCall.functionCalls`: start each call (handlers run concurrently). */
  handleToolCall(calls: readonly FunctionCall[]): void {
    for (const call of calls) {
      if (!call || typeof call.name !== 'string') continue;
      const tool = this.lookup(call.name);
      if (!tool) {
        // The name came from the model, not the app: echo it cut short, never in full.
        const shown = { ...call, name: echoName(call.name) };
        this.events.emit('toolcall', { call: shown });
        this.fail(shown, `Unknown tool "${shown.name}"`);
        continue;
      }
      this.events.emit('toolcall', { call });
      if (!tool.handler) {
        this.track({ call, controller: null, timer: undefined });
        continue;
      }
      this.run(call, tool, tool.handler);
    }
  }

  /** `toolCallCancellation.ids`: abort those handlers; nothing is sent for them. */
  handleCancellation(ids: readonly string[]): void {
    const cancelled = ids.filter((id) => this.pending.has(id));
    for (const id of cancelled) this.drop(id, 'cancelled by the server');
    this.events.emit('toolcancel', { ids: [...ids] });
  }

  /** The app's answers for handler-less tools. Every response needs the call's id. */
  handleManualResponses(responses: readonly FunctionResponse[]): FunctionResponse[] {
    for (const r of responses) {
      if (!r || typeof r.id !== 'string' || r.id === '')
        throw new LiveAgentError(
          'invalid-request',
          'Every FunctionResponse needs the id of its call',
        );
    }
    const out = responses.map((r) => {
      const entry = this.pending.get(r.id);
      const name = r.name ?? entry?.call.name;
      const tool = this.lookup(name);
      // An app may leave out the name of a pending call: the wire needs it.
      const filled = name === undefined ? { ...r } : { ...r, name };
      const withScheduling = this.withScheduling(tool, filled);
      this.drop(r.id, null);
      return { entry, response: withScheduling };
    });
    this.events.emit(
      'send',
      out.map((o) => o.response),
    );
    for (const { entry, response } of out)
      this.events.emit('toolresult', {
        call: entry?.call ?? { id: response.id, name: response.name },
        response,
      });
    return out.map((o) => o.response);
  }

  /** Aborts every running handler (disconnect, dispose). */
  abortAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.drop(id, reason);
  }

  private run(
    call: FunctionCall,
    tool: ToolDefinition,
    handler: NonNullable<ToolDefinition['handler']>,
  ) {
    const controller = new AbortController();
    const timeoutMs = tool.timeoutMs ?? this.defaultTimeoutMs;
    const entry: Pending = { call, controller, timer: undefined };
    entry.timer = setTimeout(() => {
      if (this.pending.get(call.id) !== entry) return;
      this.drop(call.id, 'timed out');
      this.fail(call, `Tool "${call.name}" timed out after ${timeoutMs} ms`, tool);
    }, timeoutMs);
    this.track(entry);
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(
        handler(call.args ?? {}, { signal: controller.signal, callId: call.id }),
      );
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => this.settle(entry, tool, { output: value === undefined ? null : value }),
      (error: unknown) => this.settle(entry, tool, null, error),
    );
  }

  private settle(
    entry: Pending,
    tool: ToolDefinition,
    response: Record<string, unknown> | null,
    error?: unknown,
  ): void {
    // Cancelled, timed out or disconnected meanwhile: the model no longer waits for this one.
    if (this.pending.get(entry.call.id) !== entry) return;
    this.drop(entry.call.id, null);
    if (response) this.respond(entry.call, response, tool);
    else this.fail(entry.call, errorMessage(error), tool, error);
  }

  /** Answers the model with `{ error }` and reports `tool-failed` to the app. */
  private fail(call: FunctionCall, message: string, tool?: ToolDefinition, cause?: unknown): void {
    this.respond(call, { error: message }, tool);
    const options = cause === undefined ? {} : { cause };
    this.events.emit('failed', {
      call,
      error: new LiveAgentError('tool-failed', message, options),
    });
  }

  private respond(call: FunctionCall, body: Record<string, unknown>, tool?: ToolDefinition): void {
    const response = this.withScheduling(tool, { id: call.id, name: call.name, response: body });
    this.events.emit('send', [response]);
    this.events.emit('toolresult', { call, response });
  }

  private withScheduling(tool: ToolDefinition | undefined, r: FunctionResponse): FunctionResponse {
    if (tool?.behavior === 'NON_BLOCKING' && r.scheduling === undefined)
      r.scheduling = tool.scheduling ?? 'WHEN_IDLE';
    return r;
  }

  private track(entry: Pending): void {
    this.pending.set(entry.call.id, entry);
    this.publish();
  }

  private drop(id: string, abortReason: string | null): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (abortReason !== null)
      entry.controller?.abort(new LiveAgentError('aborted', `Tool call ${abortReason}`));
    this.publish();
  }

  private publish(): void {
    this.pendingList = Object.freeze(
      [...this.pending.values()].map((p) => Object.freeze({ id: p.call.id, name: p.call.name })),
    );
    this.events.emit('pending', this.pendingList);
  }
}

/** The longest unknown tool name echoed in full; a longer one is cut to this and "…". */
export const TOOL_NAME_ECHO_MAX = 64;

/** A model-sent tool name as the SDK echoes it (events, errors, the response to the model). */
export function echoName(name: string): string {
  if (name.length <= TOOL_NAME_ECHO_MAX) return name;
  // Not half a surrogate pair at the cut.
  const end = /[\uD800-\uDBFF]/.test(name[TOOL_NAME_ECHO_MAX - 1]!) ? -1 : 0;
  return `${name.slice(0, TOOL_NAME_ECHO_MAX + end)}…`;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'Tool failed';
}

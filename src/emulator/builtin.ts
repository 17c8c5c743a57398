/**
 * The agent's unscripted replies, predictable so tests can assert them:
 * - "call NAME" or "call NAME {json args}" calls a tool declared in setup and reports its result;
 * - "cancel" cancels pending tool calls (toolCallCancellation);
 * - anything else: "You said: …" / "I heard 1.4 s of speech.", plus "I have seen N frames. I see a
 *   768×432 image." once video arrived.
 */
import type { FunctionResponse, SetupBody } from '../core/wire.ts';
import type { TurnContext } from './script.ts';
import { findDeclaration, type ToolCalls } from './tools.ts';

/** The agent state the built-in replies read. */
export interface BuiltinHost {
  readonly setup: SetupBody;
  readonly tools: ToolCalls;
  readonly videoFrames: number;
  readonly lastVideo?: { width: number; height: number };
  lastCancelled: string[];
  lateResult(name: string, response: FunctionResponse): void;
}

const CALL = /\bcall\s+([A-Za-z_][\w.-]*)(?:\s+(\{[\s\S]*\}))?/i;

/** Answers one user turn without a script. */
export async function builtinReply(ctx: TurnContext, host: BuiltinHost): Promise<void> {
  const call = CALL.exec(ctx.text);
  if (call && ctx.kind === 'text') return callTool(ctx, host, call[1] ?? '', call[2]);
  if (/\bcancel\b/i.test(ctx.text) && ctx.kind === 'text') {
    // A new turn already interrupted the reply that owned blocking calls: count those too.
    const ids = [...host.lastCancelled, ...host.tools.cancel()];
    host.lastCancelled = [];
    await ctx.say(
      ids.length ? `Okay, I cancelled ${plural(ids.length, 'call')}.` : 'Nothing to cancel.',
    );
    return;
  }
  const frames = host.videoFrames;
  const last = host.lastVideo;
  const image = last?.width ? ` I see a ${last.width}×${last.height} image.` : '';
  const seen = frames > 0 ? ` I have seen ${plural(frames, 'frame')}.${image}` : '';
  const heard =
    ctx.kind === 'audio'
      ? `I heard ${(ctx.audioMs / 1000).toFixed(1)} s of speech.`
      : `You said: ${ctx.text.trim()}`;
  await ctx.say(`${heard}${seen}`);
}

async function callTool(
  ctx: TurnContext,
  host: BuiltinHost,
  name: string,
  rawArgs: string | undefined,
): Promise<void> {
  const decl = findDeclaration(host.setup, name);
  if (!decl) return void (await ctx.say(`I have no tool called ${name}.`));
  let args: Record<string, unknown>;
  try {
    args = rawArgs ? (JSON.parse(rawArgs) as Record<string, unknown>) : {};
  } catch {
    return void (await ctx.say(`The arguments for ${name} are not valid JSON.`));
  }
  const result = ctx.callTool(name, args);
  if (decl.behavior === 'NON_BLOCKING') {
    // Keep talking; the result is spoken later according to its `scheduling`.
    void result.then((r) => host.lateResult(name, r)).catch(() => undefined);
    await ctx.say(`Okay, I started ${name}.`);
    return;
  }
  const response = await result;
  await ctx.say(`${name} returned ${JSON.stringify(response.response)}.`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * One model reply in progress, and the `TurnContext` its handler (a script rule or the built-in
 * agent) drives it through. What the reply says is streamed, counted for usage metadata and added
 * to history; the tool calls it makes are owned by it, so interrupting the reply cancels exactly
 * the blocking calls it was waiting for.
 */
import type { Content, FunctionResponse, ServerMessage, SetupBody } from '../core/wire.ts';
import type { TurnContext } from './script.ts';
import type { EmulatorSession } from './session.ts';
import { speak } from './speaker.ts';
import { findDeclaration, type ToolCalls } from './tools.ts';
import type { EmulatorSettings } from './types.ts';

/** What a reply answers: a user turn, or a "tool" turn the agent starts itself. */
export interface UserTurn {
  kind: 'text' | 'audio' | 'tool';
  text: string;
  audioMs: number;
  /** clientContent already put the turn into history. */
  inHistory?: boolean;
}

/** What a reply reads from, and writes to, its agent. */
export interface ReplyHost {
  readonly session: EmulatorSession;
  readonly settings: EmulatorSettings;
  /** The agent's setup in force: contextUpdate may change it between replies. */
  readonly setup: SetupBody;
  readonly tools: ToolCalls;
  /** The user's last utterance (16 kHz), for the echo voice. */
  echo(): Int16Array | undefined;
  send(message: ServerMessage): void;
  /** Appends a model turn (delivered text or a function call) to the conversation history. */
  remember(content: Content): void;
}

/** A reply being generated or streamed; aborting its controller stops it. */
export class Reply {
  readonly controller = new AbortController();
  /** Audio sent so far, for usage metadata and the `reply` event. */
  audioMs = 0;
  /** Text the user got to hear or read so far. */
  text = '';

  constructor(
    private readonly host: ReplyHost,
    private readonly turn: UserTurn,
  ) {}

  /** The context the reply's handler gets; `match` is set for `onText` rules. */
  context(match: RegExpExecArray | null): TurnContext {
    const { host, turn } = this;
    return {
      session: host.session,
      text: turn.text,
      match,
      kind: turn.kind === 'audio' ? 'audio' : 'text',
      audioMs: turn.audioMs,
      signal: this.controller.signal,
      say: (text) => this.say(text),
      callTool: (name, args = {}, options = {}) => this.callTool(name, args, options.behavior),
      send: (m) => host.send(m),
    };
  }

  private async say(text: string): Promise<boolean> {
    const { signal } = this.controller;
    if (signal.aborted) return false;
    const { setup, settings } = this.host;
    const modality = responseModality(setup);
    const result = await speak(
      {
        send: (m) => !signal.aborted && this.host.send(m),
        modality,
        transcribeOutput: modality === 'AUDIO' && !!setup.outputAudioTranscription,
        pacing: settings.audio,
        speech: settings.speech,
        echo: this.host.echo(),
      },
      text,
      signal,
    );
    this.audioMs += result.audioMs;
    this.text += result.deliveredText;
    // History gets what was delivered: an interrupted reply leaves only the part the user heard.
    if (result.deliveredText) {
      this.host.remember({ role: 'model', parts: [{ text: result.deliveredText }] });
    }
    return result.completed;
  }

  private callTool(
    name: string,
    args: Record<string, unknown>,
    behavior: 'BLOCKING' | 'NON_BLOCKING' | undefined,
  ): Promise<FunctionResponse> {
    const decl = findDeclaration(this.host.setup, name);
    const blocking = (behavior ?? decl?.behavior ?? 'BLOCKING') !== 'NON_BLOCKING';
    const call = this.host.tools.call(name, args, blocking, this);
    this.host.remember({ role: 'model', parts: [{ functionCall: { id: call.id, name, args } }] });
    if (blocking && toolCallEndsTurn(this.host.settings, this.host.setup)) {
      // Older models end their turn after a blocking call; the answer comes as a new model turn
      // once the response is in (ADK 2.x waits for this turnComplete before running the tool).
      this.host.send({ serverContent: { generationComplete: true } });
      this.host.send({ serverContent: { turnComplete: true } });
    }
    return call.result;
  }
}

/** True when the setup's model ends its turn after a blocking toolCall. */
function toolCallEndsTurn(settings: EmulatorSettings, setup: SetupBody): boolean {
  return settings.toolCallEndsTurnModels.test(String(setup.model ?? '').replace(/^.*models\//, ''));
}

/** AUDIO unless the setup asks for TEXT only. */
export function responseModality(setup: SetupBody): 'AUDIO' | 'TEXT' {
  const mods = (setup.generationConfig?.responseModalities ?? []) as string[];
  return mods.length > 0 && mods.every((m) => m.toUpperCase() === 'TEXT') ? 'TEXT' : 'AUDIO';
}

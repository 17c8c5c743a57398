/**
 * Scripted behaviour for tests: rules that replace the built-in agent for matching user turns,
 * and hooks that see the setup and every client message first. Rules exist globally
 * (`emulator.script`) and per session (`session.script`); session rules win.
 */
import type { FunctionResponse, ServerMessage, SetupBody } from '../core/wire.ts';
import type { EmulatorSession } from './session.ts';

/** What a scripted turn handler can do. */
export interface TurnContext {
  readonly session: EmulatorSession;
  /** The user's text, or "(1.4 s of speech)" for an audio turn. */
  readonly text: string;
  /** The regex match for `onText` rules (null for `onTurn`). */
  readonly match: RegExpExecArray | null;
  readonly kind: 'text' | 'audio';
  /** Speech length for audio turns (0 for text). */
  readonly audioMs: number;
  /** Aborts when the user barges in or a new turn replaces this one. */
  readonly signal: AbortSignal;
  /** Speaks in the session's modality (audio + transcription, or text); false if interrupted. */
  say(text: string): Promise<boolean>;
  /** Sends a toolCall and resolves with the client's response (rejects if cancelled). */
  callTool(
    name: string,
    args?: Record<string, unknown>,
    options?: { behavior?: 'BLOCKING' | 'NON_BLOCKING' },
  ): Promise<FunctionResponse>;
  /** Sends any server message as is. */
  send(message: ServerMessage): void;
}

/**
 * Handles a user turn (may be async). Return or resolve to `false` to take over completely (no automatic
 * generationComplete/turnComplete afterwards), e.g. before closing the socket.
 */
export type TurnHandler = (ctx: TurnContext) => unknown;

/** Sees the effective setup; return false to withhold `setupComplete` (send it yourself). */
export type SetupHook = (session: EmulatorSession, setup: SetupBody) => unknown;

/** Sees every parsed client frame after setup; return true to skip the built-in handling. */
export type MessageHook = (session: EmulatorSession, message: Record<string, unknown>) => unknown;

interface TextRule {
  pattern: RegExp | undefined;
  handler: TurnHandler;
}

/** A set of scripted rules; call the returned function to remove a rule. */
export class Script {
  private rules: TextRule[] = [];
  private setupHooks: SetupHook[] = [];
  private messageHooks: MessageHook[] = [];

  /** Handles user turns whose text matches (a string matches case-insensitively as a substring). */
  onText(pattern: RegExp | string, handler: TurnHandler): () => void {
    const regex =
      typeof pattern === 'string'
        ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i')
        : pattern;
    return this.add(this.rules, { pattern: regex, handler });
  }

  /** Handles every user turn not taken by an `onText` rule registered before it. */
  onTurn(handler: TurnHandler): () => void {
    return this.add(this.rules, { pattern: undefined, handler });
  }

  /** Runs when a session's setup arrives, before `setupComplete`. */
  onSetup(hook: SetupHook): () => void {
    return this.add(this.setupHooks, hook);
  }

  /** Runs for every client message after setup. */
  onMessage(hook: MessageHook): () => void {
    return this.add(this.messageHooks, hook);
  }

  /** Removes every rule and hook. */
  clear(): void {
    this.rules = [];
    this.setupHooks = [];
    this.messageHooks = [];
  }

  /** @internal First rule matching `text`, with its match. */
  find(text: string): { handler: TurnHandler; match: RegExpExecArray | null } | undefined {
    for (const rule of this.rules) {
      if (!rule.pattern) return { handler: rule.handler, match: null };
      rule.pattern.lastIndex = 0;
      const match = rule.pattern.exec(text);
      if (match) return { handler: rule.handler, match };
    }
    return undefined;
  }

  /** @internal */
  async runSetup(session: EmulatorSession, setup: SetupBody): Promise<boolean> {
    for (const hook of [...this.setupHooks]) {
      if ((await hook(session, setup)) === false) return false;
    }
    return true;
  }

  /** @internal */
  runMessage(session: EmulatorSession, message: Record<string, unknown>): boolean {
    return [...this.messageHooks].some((hook) => hook(session, message) === true);
  }

  private add<T>(list: T[], item: T): () => void {
    list.push(item);
    return () => {
      const i = list.indexOf(item);
      if (i >= 0) list.splice(i, 1);
    };
  }
}

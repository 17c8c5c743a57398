/**
 * The conversation behind one session: turns from VAD, activity signals, text and clientContent;
 * replies (scripted or built in), barge-in, tools, usage metadata and resumption snapshots.
 * Built-in replies are predictable so tests can assert them: "You said: …", "I heard 1.4 s of
 * speech.", "call NAME {json}" runs a declared tool, "cancel" cancels pending calls.
 */
import type { Content, FunctionResponse, ServerMessage, SetupBody } from '../core/wire.ts';
import { decodePcm16, rateOf } from './pcm.ts';
import type { Script, TurnContext } from './script.ts';
import type { EmulatorSession } from './session.ts';
import { sleep, speak } from './speaker.ts';
import { findDeclaration, ToolCalls } from './tools.ts';
import type { EmulatorSettings } from './types.ts';
import { concat, EnergyVad } from './vad.ts';

/** What a resumption handle restores. */
export interface AgentSnapshot {
  history: Content[];
  turns: number;
  videoFrames: number;
  audioInMs: number;
  toolCalls: number;
}

/** What the agent needs from its session. */
export interface AgentHost {
  readonly session: EmulatorSession;
  readonly settings: EmulatorSettings;
  send(message: ServerMessage): void;
  scripts(): Script[];
  /** Stores a snapshot and returns its handle (undefined when resumption is off). */
  issueHandle(snapshot: AgentSnapshot): string | undefined;
  fail(code: number, reason: string, detail: string): void;
  log(line: string): void;
}

interface UserTurn {
  kind: 'text' | 'audio' | 'tool';
  text: string;
  audioMs: number;
  /** clientContent already put the turn into history. */
  inHistory?: boolean;
}

interface Reply {
  controller: AbortController;
  audioMs: number;
  text: string;
}

const AUDIO_TOKENS_PER_S = 32;
const FRAME_TOKENS = 258;

/** One session's agent. */
export class Agent {
  history: Content[] = [];
  turns = 0;
  videoFrames = 0;
  audioInMs = 0;
  readonly tools: ToolCalls;
  private current: Reply | undefined;
  private vad: EnergyVad | undefined;
  private echo: Int16Array | undefined;
  private manual: Int16Array[] | undefined;
  private idleQueue: UserTurn[] = [];
  private lastCancelled: string[] = [];

  constructor(
    private readonly host: AgentHost,
    /** Effective setup; contextUpdate may change instructions and tools. */
    readonly setup: SetupBody,
  ) {
    this.tools = new ToolCalls((m) => host.send(m), (l) => host.log(l));
  }

  /** True while a reply is being generated or streamed. */
  get replying(): boolean {
    return this.current !== undefined;
  }

  snapshot(): AgentSnapshot {
    const { history, turns, videoFrames, audioInMs } = this;
    return structuredClone({ history, turns, videoFrames, audioInMs, toolCalls: this.tools.issued });
  }

  restore(s: AgentSnapshot): void {
    Object.assign(this, structuredClone({ history: s.history, turns: s.turns }));
    this.videoFrames = s.videoFrames;
    this.audioInMs = s.audioInMs;
    this.tools.issued = s.toolCalls;
  }

  private get manualActivity(): boolean {
    const aad = (this.setup.realtimeInputConfig?.automaticActivityDetection ?? {}) as {
      disabled?: boolean;
    };
    return aad.disabled === true;
  }

  /** Handles one `realtimeInput` message (all of its fields, in a sensible order). */
  realtimeInput(input: Record<string, unknown>): void {
    if (input.activityStart !== undefined) this.activityStart();
    const audio = input.audio as { data?: string; mimeType?: string } | undefined;
    if (audio) this.audio(audio.data ?? '', audio.mimeType);
    if (input.video !== undefined) this.videoFrames += 1;
    if (input.activityEnd !== undefined) this.activityEnd();
    if (input.audioStreamEnd === true && !this.manualActivity) {
      const end = this.vad?.flush();
      if (end?.type === 'end') this.speechEnded(end.speechMs, end.audio);
    }
    if (typeof input.text === 'string' && input.text.length > 0) {
      void this.respond({ kind: 'text', text: input.text, audioMs: 0 });
    }
  }

  private audio(data: string, mimeType: string | undefined): void {
    let samples: Int16Array;
    try {
      samples = decodePcm16(data);
    } catch {
      return this.host.fail(1007, 'Request contains an invalid argument.', 'audio is not base64');
    }
    const rate = rateOf(mimeType);
    this.audioInMs += (samples.length / rate) * 1000;
    if (this.manualActivity) {
      this.manual?.push(rate === 16000 ? samples : samples.slice());
      return;
    }
    if (!this.vad || this.vad.rate !== rate) this.vad = new EnergyVad(() => this.vadOptions(), rate);
    for (const event of this.vad.push(samples)) {
      if (event.type === 'start') this.speechStarted();
      else this.speechEnded(event.speechMs, event.audio);
    }
  }

  private vadOptions() {
    const aad = (this.setup.realtimeInputConfig?.automaticActivityDetection ?? {}) as {
      silenceDurationMs?: number;
    };
    const vad = this.host.settings.vad;
    return { ...vad, silenceMs: aad.silenceDurationMs ?? vad.silenceMs };
  }

  private activityStart(): void {
    if (!this.manualActivity) {
      const detail = 'activityStart sent while automatic activity detection is enabled';
      return this.host.fail(1007, 'Request contains an invalid argument.', detail);
    }
    this.manual = [];
    this.speechStarted();
  }

  private activityEnd(): void {
    if (!this.manualActivity) {
      const detail = 'activityEnd sent while automatic activity detection is enabled';
      return this.host.fail(1007, 'Request contains an invalid argument.', detail);
    }
    const audio = concat(this.manual ?? []);
    this.manual = undefined;
    this.speechEnded((audio.length / 16000) * 1000, audio);
  }

  private speechStarted(): void {
    this.host.session.emit('speechStart');
    const handling = this.setup.realtimeInputConfig?.activityHandling;
    if (this.current && handling !== 'NO_INTERRUPTION') this.interrupt();
  }

  private speechEnded(speechMs: number, audio: Int16Array): void {
    this.host.session.emit('speechEnd', speechMs);
    if (audio.length > 0) this.echo = audio;
    const text = `(${(speechMs / 1000).toFixed(1)} s of speech)`;
    void this.respond({ kind: 'audio', text, audioMs: speechMs });
  }

  /** Handles `clientContent`: history always, a reply when `turnComplete`. */
  clientContent(body: { turns?: Content[]; turnComplete?: boolean }): void {
    const turns = (body.turns ?? []).map((t) => ({ ...t, role: t.role ?? 'user' }));
    this.history.push(...structuredClone(turns));
    if (body.turnComplete !== true) return;
    const lastUser = [...turns].reverse().find((t) => t.role === 'user');
    const text = (lastUser?.parts ?? []).map((p) => p.text ?? '').join('') || '(non-text input)';
    void this.respond({ kind: 'text', text, audioMs: 0, inHistory: true });
  }

  /** Handles `toolResponse`: wakes the calls waiting for it. */
  toolResponse(responses: FunctionResponse[]): void {
    for (const r of this.tools.respond(responses)) {
      this.history.push({ role: 'user', parts: [{ functionResponse: r }] });
    }
  }

  /** Handles `contextUpdate` (new system instruction or tools mid-session). */
  contextUpdate(body: { systemInstruction?: Content; tools?: SetupBody['tools'] }): void {
    if (body.systemInstruction) this.setup.systemInstruction = body.systemInstruction;
    if (body.tools) this.setup.tools = body.tools;
  }

  /** Stops the current reply like a barge-in: `interrupted`, and its blocking calls cancelled. */
  interrupt(): boolean {
    const reply = this.current;
    if (!reply) return false;
    this.current = undefined;
    reply.controller.abort();
    this.host.send({ serverContent: { interrupted: true } });
    const cancelled = this.tools.cancelOwnedBy(reply);
    this.lastCancelled = cancelled.length > 0 ? cancelled : this.lastCancelled;
    this.host.session.emit('interrupted');
    return true;
  }

  /** Makes the agent speak unprompted (a full model turn). */
  say(text: string): Promise<void> {
    return this.respond({ kind: 'tool', text, audioMs: 0 }, text);
  }

  /** Stops everything when the socket closes. */
  dispose(): void {
    this.current?.controller.abort();
    this.current = undefined;
    this.tools.dispose();
  }

  private async respond(turn: UserTurn, fixedReply?: string): Promise<void> {
    this.interrupt();
    const reply: Reply = { controller: new AbortController(), audioMs: 0, text: '' };
    this.current = reply;
    const { signal } = reply.controller;
    if (turn.kind !== 'tool') {
      this.turns += 1;
      if (!turn.inHistory) this.history.push({ role: 'user', parts: [{ text: turn.text }] });
      this.host.session.emit('turn', { kind: turn.kind, text: turn.text, audioMs: turn.audioMs });
      if (turn.kind === 'audio' && this.setup.inputAudioTranscription) {
        this.host.send({ serverContent: { inputTranscription: { text: turn.text } } });
      }
    }
    let auto = true;
    try {
      if (!(await sleep(this.host.settings.responseDelayMs, signal))) return;
      const ctx = this.context(reply, turn, null);
      const rule = turn.kind === 'tool' ? undefined : this.findRule(turn.text);
      if (fixedReply !== undefined) await ctx.say(fixedReply);
      else if (rule) auto = (await rule.handler({ ...ctx, match: rule.match })) !== false;
      else await this.builtin(ctx);
    } catch (e) {
      if (!signal.aborted) this.host.log(`reply failed: ${(e as Error).message}`);
    }
    if (signal.aborted || this.current !== reply) return;
    this.current = undefined;
    if (auto) this.finishTurn(reply);
    const next = this.idleQueue.shift();
    if (next) void this.respond(next);
  }

  private findRule(text: string) {
    for (const script of this.host.scripts()) {
      const found = script.find(text);
      if (found) return found;
    }
    return undefined;
  }

  private context(reply: Reply, turn: UserTurn, match: RegExpExecArray | null): TurnContext {
    const { signal } = reply.controller;
    return {
      session: this.host.session,
      text: turn.text,
      match,
      kind: turn.kind === 'audio' ? 'audio' : 'text',
      audioMs: turn.audioMs,
      signal,
      say: async (text) => {
        if (signal.aborted) return false;
        const modality = responseModality(this.setup);
        const result = await speak(
          {
            send: (m) => !signal.aborted && this.host.send(m),
            modality,
            transcribeOutput: modality === 'AUDIO' && !!this.setup.outputAudioTranscription,
            pacing: this.host.settings.audio,
            speech: this.host.settings.speech,
            echo: this.echo,
          },
          text,
          signal,
        );
        reply.audioMs += result.audioMs;
        reply.text += result.deliveredText;
        if (result.deliveredText) {
          this.history.push({ role: 'model', parts: [{ text: result.deliveredText }] });
        }
        return result.completed;
      },
      callTool: (name, args = {}, options = {}) => {
        const decl = findDeclaration(this.setup, name);
        const behavior = options.behavior ?? decl?.behavior ?? 'BLOCKING';
        const call = this.tools.call(name, args, behavior !== 'NON_BLOCKING', reply);
        this.history.push({ role: 'model', parts: [{ functionCall: { id: call.id, name, args } }] });
        return call.result;
      },
      send: (m) => this.host.send(m),
    };
  }

  private async builtin(ctx: TurnContext): Promise<void> {
    const call = /\bcall\s+([A-Za-z_][\w.-]*)(?:\s+(\{[\s\S]*\}))?/i.exec(ctx.text);
    if (call && ctx.kind === 'text') return this.builtinCall(ctx, call[1] ?? '', call[2]);
    if (/\bcancel\b/i.test(ctx.text) && ctx.kind === 'text') {
      const ids = [...this.lastCancelled, ...this.tools.cancel()];
      this.lastCancelled = [];
      await ctx.say(ids.length ? `Okay, I cancelled ${ids.length} call.` : 'Nothing to cancel.');
      return;
    }
    const seen = this.videoFrames > 0 ? ` I have seen ${plural(this.videoFrames, 'frame')}.` : '';
    const heard =
      ctx.kind === 'audio'
        ? `I heard ${(ctx.audioMs / 1000).toFixed(1)} s of speech.`
        : `You said: ${ctx.text.trim()}`;
    await ctx.say(`${heard}${seen}`);
  }

  private async builtinCall(ctx: TurnContext, name: string, rawArgs: string | undefined) {
    const decl = findDeclaration(this.setup, name);
    if (!decl) return void (await ctx.say(`I have no tool called ${name}.`));
    let args: Record<string, unknown> = {};
    try {
      args = rawArgs ? (JSON.parse(rawArgs) as Record<string, unknown>) : {};
    } catch {
      return void (await ctx.say(`The arguments for ${name} are not valid JSON.`));
    }
    const result = ctx.callTool(name, args);
    if (decl.behavior === 'NON_BLOCKING') {
      void result.then((r) => this.lateResult(name, r)).catch(() => undefined);
      await ctx.say(`Okay, I started ${name}.`);
      return;
    }
    const response = await result;
    await ctx.say(`${name} returned ${JSON.stringify(response.response)}.`);
  }

  /** A NON_BLOCKING result: spoken now, when idle, or never, per its `scheduling`. */
  private lateResult(name: string, r: FunctionResponse): void {
    const turn: UserTurn = {
      kind: 'tool',
      text: `${name} finished: ${JSON.stringify(r.response)}.`,
      audioMs: 0,
    };
    const scheduling = r.scheduling ?? 'WHEN_IDLE';
    if (scheduling === 'SILENT') return;
    if (scheduling === 'WHEN_IDLE' && this.current) this.idleQueue.push(turn);
    else void this.respond(turn, turn.text);
  }

  private finishTurn(reply: Reply): void {
    const modality = responseModality(this.setup);
    const responseTokens =
      modality === 'AUDIO'
        ? Math.round((reply.audioMs / 1000) * AUDIO_TOKENS_PER_S)
        : Math.ceil(reply.text.length / 4);
    const textTokens = Math.ceil(JSON.stringify([this.setup.systemInstruction ?? '', this.history]).length / 4);
    const audioTokens = Math.round((this.audioInMs / 1000) * AUDIO_TOKENS_PER_S);
    const videoTokens = this.videoFrames * FRAME_TOKENS;
    const promptTokens = textTokens + audioTokens + videoTokens;
    const promptDetails = [
      { modality: 'TEXT', tokenCount: textTokens },
      ...(audioTokens ? [{ modality: 'AUDIO', tokenCount: audioTokens }] : []),
      ...(videoTokens ? [{ modality: 'IMAGE', tokenCount: videoTokens }] : []),
    ];
    this.host.send({ serverContent: { generationComplete: true } });
    this.host.send({
      serverContent: { turnComplete: true },
      usageMetadata: {
        promptTokenCount: promptTokens,
        responseTokenCount: responseTokens,
        totalTokenCount: promptTokens + responseTokens,
        promptTokensDetails: promptDetails,
        responseTokensDetails: [{ modality, tokenCount: responseTokens }],
      },
    });
    const handle = this.host.issueHandle(this.snapshot());
    if (handle) this.host.send({ sessionResumptionUpdate: { newHandle: handle, resumable: true } });
    this.host.session.emit('reply', { text: reply.text, audioMs: reply.audioMs });
  }
}

/** AUDIO unless the setup asks for TEXT only. */
export function responseModality(setup: SetupBody): 'AUDIO' | 'TEXT' {
  const mods = (setup.generationConfig?.responseModalities ?? []) as string[];
  return mods.length > 0 && mods.every((m) => m.toUpperCase() === 'TEXT') ? 'TEXT' : 'AUDIO';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The conversation behind one session: turns from VAD, activity signals, text and clientContent;
 * replies (scripted or built in), barge-in, tools, usage metadata and resumption snapshots.
 * Built-in replies are predictable so tests can assert them: "You said: …", "I heard 1.4 s of
 * speech.", "call NAME {json}" runs a declared tool, "cancel" cancels pending calls.
 */
import type { Content, FunctionResponse, ServerMessage, SetupBody } from '../core/wire.ts';
import { decodePcm16, rateOf } from './pcm.ts';
import { Reply, responseModality, type ReplyHost, type UserTurn } from './reply.ts';
import type { Script } from './script.ts';
import type { EmulatorSession } from './session.ts';
import { sleep } from './speaker.ts';
import { builtinReply } from './builtin.ts';
import { ToolCalls } from './tools.ts';
import type { EmulatorSettings } from './types.ts';
import { Listener } from './listener.ts';
import { usageFor } from './usage.ts';
import { videoFrameInfo, type VideoFrameInfo } from './jpeg.ts';

type Blob = { data?: string; mimeType?: string };

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
  /** A video frame arrived (the session's audio+video limit starts with the first). */
  videoFrame?(info: VideoFrameInfo): void;
}

/** One session's agent. */
export class Agent {
  history: Content[] = [];
  turns = 0;
  videoFrames = 0;
  /** The last video frame received (size and dimensions), for replies and tests. */
  lastVideo: VideoFrameInfo | undefined;
  audioInMs = 0;
  readonly tools: ToolCalls;
  private current: Reply | undefined;
  private readonly listener: Listener;
  private readonly replyHost: ReplyHost;
  private echo: Int16Array | undefined;
  private idleQueue: UserTurn[] = [];
  /** @internal Calls cancelled by the last interruption (for the built-in "cancel"). */
  lastCancelled: string[] = [];

  constructor(
    private readonly host: AgentHost,
    /** Effective setup; contextUpdate may change instructions and tools. */
    readonly setup: SetupBody,
  ) {
    this.tools = new ToolCalls(
      (m) => host.send(m),
      (l) => host.log(l),
    );
    this.listener = new Listener(
      {
        started: () => this.speechStarted(),
        ended: (ms, audio) => this.speechEnded(ms, audio),
      },
      () => this.vadOptions(),
      () => this.manualActivity,
    );
    this.replyHost = {
      session: host.session,
      settings: host.settings,
      setup,
      tools: this.tools,
      echo: () => this.echo,
      send: (m) => host.send(m),
      remember: (content) => this.history.push(content),
    };
  }

  /** True while a reply is being generated or streamed. */
  get replying(): boolean {
    return this.current !== undefined;
  }

  snapshot(): AgentSnapshot {
    const { history, turns, videoFrames, audioInMs } = this;
    return structuredClone({
      history,
      turns,
      videoFrames,
      audioInMs,
      toolCalls: this.tools.issued,
    });
  }

  restore(s: AgentSnapshot): void {
    this.history = structuredClone(s.history);
    this.turns = s.turns;
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
    const manualSignal = input.activityStart !== undefined || input.activityEnd !== undefined;
    if (manualSignal && !this.manualActivity) {
      // Google refuses explicit activity signals while its own VAD is on.
      const detail = 'activityStart/activityEnd need automaticActivityDetection.disabled';
      return this.host.fail(1007, 'Request contains an invalid argument.', detail);
    }
    if (input.activityStart !== undefined) this.listener.activityStart();
    const audio = input.audio as Blob | undefined;
    if (audio && !this.audio(audio)) return;
    if (input.video !== undefined) this.image(input.video as Blob);
    // Legacy `mediaChunks` (older models only, protocol.ts checks): audio and images by MIME type.
    // google-genai's send() writes images this way (ADK's `blob` frames on gemini-2.0 models).
    for (const chunk of (input.mediaChunks ?? []) as Blob[]) {
      if (String(chunk.mimeType ?? '').startsWith('image/')) this.image(chunk);
      else if (!this.audio(chunk)) return;
    }
    if (input.activityEnd !== undefined) this.listener.activityEnd();
    if (input.audioStreamEnd === true) this.listener.streamEnd();
    if (typeof input.text === 'string' && input.text.length > 0) {
      void this.respond({ kind: 'text', text: input.text, audioMs: 0 });
    }
  }

  /** Feeds one base64 PCM16 chunk to the listener; false (session failed) when it is not base64. */
  /** One image frame: counted, its size recorded for replies and the host. */
  private image(blob: Blob): void {
    this.videoFrames += 1;
    this.lastVideo = videoFrameInfo(blob);
    this.host.videoFrame?.(this.lastVideo);
  }

  private audio(blob: Blob): boolean {
    let samples: Int16Array;
    try {
      samples = decodePcm16(blob.data ?? '');
    } catch {
      this.host.fail(1007, 'Request contains an invalid argument.', 'audio is not base64');
      return false;
    }
    const rate = rateOf(blob.mimeType);
    this.audioInMs += (samples.length / rate) * 1000;
    this.listener.audio(samples, rate);
    return true;
  }

  private vadOptions() {
    const aad = (this.setup.realtimeInputConfig?.automaticActivityDetection ?? {}) as {
      silenceDurationMs?: number;
    };
    const vad = this.host.settings.vad;
    return { ...vad, silenceMs: aad.silenceDurationMs ?? vad.silenceMs };
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
    if (this.host.settings.turnCompleteAfterInterrupt) {
      this.host.send({ serverContent: { turnComplete: true } });
    }
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
    const reply = new Reply(this.replyHost, turn);
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
      const rule = turn.kind === 'tool' ? undefined : this.findRule(turn.text);
      const ctx = reply.context(rule?.match ?? null);
      if (fixedReply !== undefined) await ctx.say(fixedReply);
      else if (rule) auto = (await rule.handler(ctx)) !== false;
      else await builtinReply(ctx, this);
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

  /** A NON_BLOCKING result: spoken now, when idle, or never, per its `scheduling`. */
  lateResult(name: string, r: FunctionResponse): void {
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
    const usageMetadata = usageFor({
      systemInstruction: this.setup.systemInstruction,
      history: this.history,
      audioInMs: this.audioInMs,
      videoFrames: this.videoFrames,
      modality: responseModality(this.setup),
      replyAudioMs: reply.audioMs,
      replyText: reply.text,
    });
    this.host.send({ serverContent: { generationComplete: true } });
    this.host.send({ serverContent: { turnComplete: true }, usageMetadata });
    const handle = this.host.issueHandle(this.snapshot());
    if (handle) this.host.send({ sessionResumptionUpdate: { newHandle: handle, resumable: true } });
    this.host.session.emit('reply', { text: reply.text, audioMs: reply.audioMs });
  }
}

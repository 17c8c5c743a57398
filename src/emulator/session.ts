/**
 * One Live connection: the wire rules (setup first, one known top-level key per frame, 1007 for
 * malformed input), setup with token constraints and resumption, connection lifetime with goAway,
 * frame recording, and the fault-injection surface tests use.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { WebSocket, RawData } from 'ws';
import type { Content, FunctionResponse, ServerMessage, SetupBody } from '../core/wire.ts';
import { Agent, type AgentHost } from './agent.ts';
import { Script } from './script.ts';
import { acceptsMediaChunks, checkSetup, routeMessage, INVALID } from './protocol.ts';
import type { SessionContext } from './protocol.ts';
import { record, waitForFrame } from './frames.ts';
import { closeReason, Lifetime } from './lifetime.ts';
import { Link } from './link.ts';
import { sleep } from './speaker.ts';
import type { CloseInfo, EmulatorSettings, FrameRecord, IssuedToken } from './types.ts';
import type { SessionCredential, SessionRoute } from './types.ts';

/** Events of a session, for `session.on(...)`. */
export interface SessionEvents {
  /** A client frame arrived (already recorded in `received`). */
  message: [frame: FrameRecord];
  /** A server frame left. */
  sent: [frame: FrameRecord];
  /** The effective setup was accepted (before `setupComplete` is sent). */
  setup: [setup: SetupBody];
  /** The user finished a turn (speech, activityEnd, text or clientContent). */
  turn: [turn: { kind: 'text' | 'audio'; text: string; audioMs: number }];
  /** The agent finished a reply with turnComplete. */
  reply: [reply: { text: string; audioMs: number }];
  speechStart: [];
  speechEnd: [speechMs: number];
  /** A reply was cut off (barge-in or explicit). */
  interrupted: [];
  close: [info: CloseInfo];
}

let nextId = 1;

/** A live (or finished) emulator session; scripting and fault injection hang off it. */
export class EmulatorSession extends EventEmitter<SessionEvents> {
  /** Short id for logs ("s1", "s2", …). */
  readonly id = `s${nextId++}`;
  readonly connectedAt = Date.now();
  /** Every client frame, in order. */
  readonly received: FrameRecord[] = [];
  /** Every server frame, in order. */
  readonly sent: FrameRecord[] = [];
  /** Rules for this session only; they run before `emulator.script`. */
  readonly script = new Script();
  /** The setup as the client sent it. */
  clientSetup: SetupBody | undefined;
  /** The setup in force (token constraints applied). */
  setup: SetupBody | undefined;
  /** The handle this session resumed from, if any. */
  resumedFrom: string | undefined;
  /** Set once closed. */
  closeInfo: CloseInfo | undefined;
  /** Why the emulator closed it, in more words than the close reason. */
  closeDetail: string | undefined;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<CloseInfo>;
  /** The network under this connection: throttle or stop reads, stall writes (backpressure tests). */
  readonly link: Link;
  /** @internal */
  agent: Agent | undefined;
  private phase: 'awaiting-setup' | 'setting-up' | 'open' | 'closed' = 'awaiting-setup';
  private queued: Record<string, unknown>[] = [];
  private readonly lifetime: Lifetime;
  private resolveClosed!: (info: CloseInfo) => void;

  /** @internal Created by the emulator for each accepted WebSocket. */
  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: SessionContext,
  ) {
    super();
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    ws.on('error', (e) => this.log(`socket error: ${e.message}`));
    this.lifetime = new Lifetime(this, ctx.settings);
    // ws keeps its TCP socket private; the link needs it to pause reads for real.
    this.link = new Link((ws as unknown as { _socket?: Socket })._socket);
  }

  /** Settings this session runs with (a copy of the emulator's at connect time). */
  get settings(): EmulatorSettings {
    return this.ctx.settings;
  }
  /** Which endpoint the client opened. */
  get route(): SessionRoute {
    return this.ctx.route;
  }
  get credential(): SessionCredential {
    return this.ctx.credential;
  }
  /** The ephemeral token used to open it, if any. */
  get token(): IssuedToken | undefined {
    return this.ctx.token;
  }
  /** True until the socket closes. */
  get open(): boolean {
    return this.phase !== 'closed';
  }
  /** Conversation so far (restored on resumption). */
  get history(): Content[] {
    return this.agent?.history ?? [];
  }
  /** Video frames received over the conversation. */
  get videoFrames(): number {
    return this.agent?.videoFrames ?? 0;
  }
  /** The last video frame received: MIME type, bytes, JPEG width and height. */
  get lastVideo(): { mimeType: string; bytes: number; width: number; height: number } | undefined {
    return this.agent?.lastVideo;
  }
  /** Ids of tool calls still waiting for a toolResponse. */
  get pendingToolCalls(): string[] {
    return this.agent?.tools.ids ?? [];
  }

  /** Sends a server message as JSON (binary frame unless the emulator uses text frames). */
  send(message: ServerMessage): boolean {
    return this.sendRaw(JSON.stringify(message));
  }

  /** Sends anything, e.g. malformed JSON; `binary` defaults to the emulator's frame setting. */
  sendRaw(data: string | Uint8Array, options: { binary?: boolean } = {}): boolean {
    if (this.phase === 'closed' || this.ws.readyState !== this.ws.OPEN) return false;
    const binary = options.binary ?? (typeof data === 'string' ? this.settings.binaryFrames : true);
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    const payload = binary && typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.ws.send(payload, { binary });
    const frame = record(text, binary, this.settings.record ? this.sent : undefined);
    this.emit('sent', frame);
    return true;
  }

  /** Sends `setupComplete` by hand (after a setup hook returned false). */
  sendSetupComplete(): boolean {
    return this.send({ setupComplete: {} });
  }

  /** Closes with a code and reason, like the service does. */
  close(code = 1000, reason = ''): void {
    if (this.phase === 'closed' || this.closeInfo) return;
    const short = closeReason(reason);
    this.closeInfo = { code, reason: short, by: 'server' };
    this.log(`close ${code} ${short}`);
    this.ws.close(code, short);
  }

  /** Kills the TCP connection without a close frame: the client sees 1006. */
  drop(): void {
    if (this.phase === 'closed' || this.closeInfo) return;
    this.closeInfo = { code: 1006, reason: '', by: 'server' };
    this.log('drop (no close frame)');
    this.ws.terminate();
  }

  /** Sends `goAway{timeLeft}` and closes with 1011 when the time is up (unless `close: false`). */
  goAway(timeLeftMs: number, options: { close?: boolean } = {}): void {
    this.lifetime.goAway(timeLeftMs, options.close !== false);
  }

  /** Makes the agent say something now, as a full model turn. */
  say(text: string): Promise<void> {
    return this.agent ? this.agent.say(text) : Promise.reject(new Error('no setup yet'));
  }

  /** Interrupts the current reply (sends `interrupted`); false when nothing was playing. */
  interrupt(): boolean {
    return this.agent?.interrupt() ?? false;
  }

  /** Sends a toolCall outside any turn; resolves with the client's response. */
  callTool(name: string, args: Record<string, unknown> = {}): Promise<FunctionResponse> {
    if (!this.agent) return Promise.reject(new Error('no setup yet'));
    return this.agent.tools.call(name, args, true, undefined).result;
  }

  /** Cancels pending tool calls (all by default) with `toolCallCancellation`. */
  cancelToolCalls(ids?: string[]): string[] {
    return this.agent?.tools.cancel(ids) ?? [];
  }

  /** Resolves with the first received frame (past or future) that matches. */
  waitForMessage(
    match: string | ((message: Record<string, unknown>) => boolean),
    options: { timeoutMs?: number; includePast?: boolean } = {},
  ): Promise<FrameRecord> {
    const test = (f: FrameRecord): boolean =>
      !!f.message && (typeof match === 'string' ? match in f.message : match(f.message));
    const past = options.includePast === false ? [] : this.received;
    return waitForFrame(this, past, test, options.timeoutMs ?? 5000, this.id);
  }

  /** @internal Closes with an error code; `detail` goes to the log and `closeDetail`. */
  fail(code: number, reason: string, detail: string): void {
    this.closeDetail = detail;
    this.log(`error: ${detail}`);
    this.close(code, reason);
  }

  /** @internal */
  log(line: string): void {
    this.settings.log(`[emulator] ${this.id} ${line}`);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const frame = record(
      raw.toString('utf8'),
      isBinary,
      this.settings.record ? this.received : undefined,
    );
    this.emit('message', frame);
    if (this.phase === 'closed' || this.closeInfo) return;
    const routed = routeMessage(frame.message, {
      expectSetup: this.phase === 'awaiting-setup',
      mediaChunks: acceptsMediaChunks(this.settings, this.setup?.model),
    });
    if ('error' in routed) return this.fail(1007, routed.reason ?? INVALID, routed.error);
    if (this.phase === 'awaiting-setup') {
      this.phase = 'setting-up';
      void this.handleSetup(routed.body as SetupBody);
    } else if (this.phase === 'setting-up') this.queued.push(routed.message);
    else this.dispatch(routed.message);
  }

  private dispatch(message: Record<string, unknown>): void {
    if (this.script.runMessage(this, message) || this.ctx.globalScript.runMessage(this, message)) {
      return;
    }
    const agent = this.agent;
    if (!agent || this.closeInfo) return;
    const [key, body] = Object.entries(message)[0] as [string, Record<string, unknown>];
    if (key === 'realtimeInput') agent.realtimeInput(body);
    else if (key === 'clientContent') agent.clientContent(body);
    else if (key === 'toolResponse') {
      agent.toolResponse((body.functionResponses ?? []) as FunctionResponse[]);
    } else if (key === 'contextUpdate') agent.contextUpdate(body);
  }

  private async handleSetup(body: SetupBody): Promise<void> {
    this.clientSetup = structuredClone(body);
    const checked = checkSetup(this.ctx, body);
    if ('error' in checked) return this.fail(checked.code, checked.reason, checked.error);
    const { setup, snapshot } = checked;
    this.setup = setup;
    this.resumedFrom = snapshot ? body.sessionResumption?.handle : undefined;
    this.agent = new Agent(this.agentHost(), structuredClone(setup));
    if (snapshot) this.agent.restore(snapshot);
    const resumed = this.resumedFrom ? ` resumed (${this.agent.turns} turns)` : '';
    this.log(`setup ${setup.model}${resumed}`);
    this.emit('setup', setup);
    let proceed = true;
    try {
      proceed =
        (await this.script.runSetup(this, setup)) &&
        (await this.ctx.globalScript.runSetup(this, setup));
    } catch (e) {
      this.log(`setup hook failed: ${(e as Error).message}`);
    }
    if (this.closeInfo) return;
    if (proceed && !this.settings.dropSetupComplete) {
      await sleep(this.settings.setupCompleteDelayMs);
      if (this.closeInfo || this.phase === 'closed') return;
      this.sendSetupComplete();
    }
    this.phase = 'open';
    for (const message of this.queued.splice(0)) this.dispatch(message);
  }

  private agentHost(): AgentHost {
    return {
      session: this,
      settings: this.settings,
      send: (m) => this.send(m),
      scripts: () => [this.script, this.ctx.globalScript],
      issueHandle: (snapshot) =>
        this.setup?.sessionResumption ? this.ctx.handles.issue(snapshot) : undefined,
      fail: (code, reason, detail) => this.fail(code, reason, detail),
      log: (line) => this.log(line),
      videoFrame: () => {
        const limit = this.settings.videoSessionLimitMs;
        if (limit > 0 && !this.setup?.contextWindowCompression) this.lifetime.videoLimit(limit);
      },
    };
  }

  private onClose(code: number, reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.lifetime.dispose();
    this.agent?.dispose();
    const info: CloseInfo = this.closeInfo ?? { code, reason, by: 'client' };
    if (!this.closeInfo) this.log(`client closed ${code}${reason ? ` ${reason}` : ''}`);
    this.closeInfo = info;
    this.resolveClosed(info);
    this.emit('close', info);
  }
}

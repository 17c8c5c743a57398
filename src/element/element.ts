/**
 * `<live-agent>`: a voice agent in one tag. Thin by design: attributes → session options,
 * session snapshots → shadow-DOM UI, session events → `live-agent-*` DOM events. Importing this
 * module registers nothing (see ./index.ts); the session and media are created on first connect.
 */
import { LiveAgentError } from '../core/errors.ts';
import { LIVE_AGENT_EVENT_TYPES, type LiveAgentEventType } from '../core/events.ts';
import type { LiveMedia } from '../core/media.ts';
import { LiveAgentSession } from '../core/session.ts';
import { initialSnapshot } from '../core/session-support.ts';
import type { LiveConfig, LiveTransport } from '../core/transport.ts';
import type {
  LiveAgentSnapshot,
  LiveAgentStatus,
  TokenSource,
  ToolDefinition,
} from '../core/types.ts';
import { forwardEvents, LiveAgentEvent } from './events.ts';
import {
  adkTarget,
  mediaOptions,
  SESSION_ATTRIBUTES,
  sessionOptions,
  type AdkTarget,
} from './options.ts';
import { wireControls } from './controls.ts';
import type { CallUi } from './call-ui.ts';
import { DEFAULT_HINT_AFTER_S, type QuietHints } from './hints.ts';
import type { RenderLoops } from './loops.ts';
import { applyStyles } from './styles.ts';
import { LiveAgentView, type AgentFace } from './view.ts';
import type { PreviewSource, VideoControlHost, VideoControls } from './video-controls.ts';
import type { LiveVideo } from '../core/video.ts';

/** What a session is built from; override `createSessionDeps()` to inject fakes in tests. */
export interface SessionDeps {
  transport: LiveTransport;
  media?: LiveMedia | null;
  /** Camera/screen source (the default deps add createWebVideo()). */
  video?: (LiveVideo & PreviewSource) | null;
  fetch?: typeof fetch;
  /**
   * Starts a worker that draws the level meters off the main thread (the default deps: the SDK's
   * worker file). Without it the meters are drawn on the main thread.
   */
  meterWorker?: () => Worker;
  /** What an agent server's session shows (the default deps add it for transport="adk"). */
  agentFace?: AgentFace;
}

/** Loads the default transport and media (set by the entry: a chunk, or a file beside the IIFE). */
export type DepsLoader = (
  assetBase: string | undefined,
  media: { microphone: boolean; adk?: AdkTarget },
) => Promise<SessionDeps> | SessionDeps;

/** Attributes that only show or hide the video controls. */
const VIDEO_ATTRIBUTES = ['camera', 'screen', 'video-preview'] as const;
const VIEW_ONLY_VIDEO: readonly string[] = VIDEO_ATTRIBUTES;

const IDLE: LiveAgentSnapshot = Object.freeze(initialSnapshot(false));

const ACTIVE: ReadonlySet<LiveAgentStatus> = new Set(['connecting', 'connected', 'reconnecting']);

/** The `<live-agent>` custom element class (registered by `live-agent/element` or the IIFE). */
export class LiveAgentElement extends HTMLElement {
  /** Where worker/worklet files live when no `asset-base` attribute is set (the IIFE sets it). */
  static assetBase: string | undefined;
  /** How sessions get their real transport and media; the entry modules set it. */
  static depsLoader: DepsLoader | undefined;
  /**
   * Builds the camera/screen toggles (shown only during a call): set by `live-agent/element`, and
   * by the IIFE from its deps file, so the script-tag entry carries none of their code.
   */
  static videoControls: ((bar: Element, host: VideoControlHost) => VideoControls) | undefined;
  /** The call-time parts (hints, log, loops): set like {@link videoControls} (./call-ui.ts). */
  static callUi: CallUi | undefined;
  static readonly observedAttributes = [
    ...SESSION_ATTRIBUTES,
    'metrics',
    'hint-after',
    ...VIEW_ONLY_VIDEO,
  ];

  private current: LiveAgentSession | null = null;
  private creating: Promise<LiveAgentSession> | null = null;
  private view: LiveAgentView | null = null;
  private videoControls: VideoControls | null = null;
  private bar: HTMLElement | null = null;
  private dirty = true;
  private generation = 0;
  private localError: LiveAgentError | null = null;
  private unsubscribers: (() => void)[] = [];
  private loops: RenderLoops | null = null;
  private holding = false;
  private hints: QuietHints | null = null;
  private sessionMode: string | undefined;
  private toolList: ToolDefinition[] = [];
  private configValue: LiveConfig | undefined;
  private tokenValue: TokenSource | undefined;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  /** The session behind the element; null until the first `connect()`. */
  get session(): LiveAgentSession | null {
    return this.current;
  }

  /** `idle | connecting | connected | reconnecting | closed | error`. */
  get status(): LiveAgentStatus {
    return this.snapshot().status;
  }

  /** Function tools the model may call; updating them while connected re-declares them. */
  get tools(): ToolDefinition[] {
    return this.toolList;
  }
  set tools(tools: ToolDefinition[]) {
    this.toolList = [...tools];
    this.current?.setTools(this.toolList);
  }

  /**
   * Seconds a call may stay quiet before the status line says so ("nothing heard yet", "no
   * reply yet"); reflects the `hint-after` attribute. Default 8; 0 turns the hints off.
   */
  get hintAfter(): number {
    const value = Number(this.getAttribute('hint-after') ?? DEFAULT_HINT_AFTER_S);
    return Number.isFinite(value) && value >= 0 ? value : DEFAULT_HINT_AFTER_S;
  }
  set hintAfter(seconds: number) {
    this.setAttribute('hint-after', String(seconds));
  }

  /** Extra `LiveConnectConfig` (attributes `voice`, `language`, `instructions` win); next connect. */
  get config(): LiveConfig | undefined {
    return this.configValue;
  }
  set config(config: LiveConfig | undefined) {
    this.configValue = config;
    this.dirty = true;
  }

  /** Token source used instead of `token-url` (string, async function or `{url, init}`). */
  get token(): TokenSource | undefined {
    return this.tokenValue;
  }
  set token(token: TokenSource | undefined) {
    this.tokenValue = token;
    this.dirty = true;
  }

  /** Opens the microphone and connects; resolves once the session is live. Rejects with a LiveAgentError. */
  async connect(): Promise<void> {
    this.localError = null;
    let session: LiveAgentSession;
    try {
      session = await this.ensureSession();
    } catch (error) {
      const wrapped =
        error instanceof LiveAgentError
          ? error
          : new LiveAgentError('unsupported', String(error), { cause: error });
      this.localError = wrapped;
      this.dispatchEvent(new LiveAgentEvent('error', { error: wrapped, fatal: true }));
      this.render();
      throw wrapped;
    }
    await session.connect();
  }

  /** Ends the conversation and releases the microphone; the element can connect again. */
  async disconnect(): Promise<void> {
    this.endHold();
    await this.current?.disconnect();
  }

  /** Sends a typed user turn. Throws `not-connected` before the first connect. */
  sendText(text: string): void {
    if (!this.current)
      throw new LiveAgentError('not-connected', 'Call connect() before sendText()');
    this.current.sendText(text);
  }

  connectedCallback(): void {
    const root = this.shadowRoot!;
    if (!this.view) {
      applyStyles(root);
      this.view = new LiveAgentView(root);
      wireControls(this.view, {
        status: () => this.status,
        pushToTalk: () => this.pushToTalk && this.status === 'connected',
        holding: () => this.holding,
        connect: () => this.connect(),
        disconnect: () => this.disconnect(),
        startHold: () => this.startHold(),
        endHold: () => this.endHold(),
        toggleMute: () => this.current?.setMicEnabled(!this.snapshot().micEnabled),
        resumeAudio: () => this.current?.resumeAudio(),
        toggleMetrics: () => this.toggleAttribute('metrics'),
        sendText: (text) => this.sendText(text),
      });
      this.bar = root.querySelector<HTMLElement>('[part="bar"]');
      this.ensureVideoControls();
    }
    // Adding the same listener again (a move) is a no-op.
    this.ownerDocument.defaultView?.addEventListener('pagehide', this.onPageHide);
    this.render();
    if (this.hasAttribute('auto-connect') && !ACTIVE.has(this.status)) {
      // Failures are shown in the UI and dispatched as live-agent-error.
      this.connect().catch(() => undefined);
    }
  }

  disconnectedCallback(): void {
    // A move (remove + re-insert in one task) must not drop the conversation.
    queueMicrotask(() => {
      if (!this.isConnected) this.teardown();
    });
  }

  attributeChangedCallback(name: string): void {
    if (name === 'metrics' || name === 'hint-after' || VIEW_ONLY_VIDEO.includes(name))
      this.render();
    else this.dirty = true;
  }

  /** Builds the video toggles once their code is here (the IIFE: from its deps, on connect). */
  private ensureVideoControls(): void {
    const make = LiveAgentElement.videoControls;
    if (this.videoControls || !this.bar || !make) return;
    this.videoControls = make(this.bar, {
      attr: (name) => this.getAttribute(name),
      session: () => this.current,
      failed: (error) => this.dispatchEvent(new LiveAgentEvent('error', { error, fatal: false })),
    });
  }

  /** Builds the session's transport and media; tests override it to inject fakes. */
  protected async createSessionDeps(): Promise<SessionDeps> {
    // One microtask: entry modules set the loader after registration may already have upgraded us.
    await null;
    const load = LiveAgentElement.depsLoader;
    if (!load) {
      throw new LiveAgentError('unsupported', 'No transport loader: import "live-agent/element"');
    }
    const attr = (name: string) => this.getAttribute(name);
    const adk = adkTarget(attr);
    const media = { ...mediaOptions(attr), ...(adk && { adk }) };
    return load(this.getAttribute('asset-base') ?? LiveAgentElement.assetBase, media);
  }

  private ensureSession(): Promise<LiveAgentSession> {
    const existing = this.current;
    // Changed attributes apply on the next connect from a resting state, never mid-conversation.
    if (existing && (!this.dirty || ACTIVE.has(existing.status))) return Promise.resolve(existing);
    return (this.creating ??= this.createSession().finally(() => (this.creating = null)));
  }

  private async createSession(): Promise<LiveAgentSession> {
    const options = sessionOptions({
      attr: (name) => this.getAttribute(name),
      token: this.tokenValue,
      config: this.configValue,
      tools: this.toolList,
      baseUrl: this.ownerDocument.baseURI,
    });
    const generation = ++this.generation;
    this.release();
    const deps = await this.createSessionDeps();
    if (generation !== this.generation) {
      deps.transport.dispose();
      void deps.media?.close();
      throw new LiveAgentError('aborted', 'The element was removed while connecting');
    }
    const session = new LiveAgentSession(options, deps);
    this.current = session;
    const ui = LiveAgentElement.callUi;
    if (ui) this.view?.useMeter(ui, deps.meterWorker);
    this.ensureVideoControls();
    this.videoControls?.bind(session, deps.video);
    this.view?.useAgentFace(deps.agentFace);
    this.sessionMode = options.mode;
    this.dirty = false;
    this.unsubscribers.push(
      session.subscribe(() => this.render()),
      ...forwardEvents(session, this),
    );
    this.render();
    return session;
  }

  /** Drops the current session (listeners, loops, worker, microphone). */
  private release(): void {
    for (const off of this.unsubscribers.splice(0)) off();
    this.current?.dispose();
    this.current = null;
    this.holding = false;
  }

  /**
   * Leaving the page ends the call: a page kept in the back/forward cache must not hold the
   * microphone or a socket (browsers evict it, or stop capture behind our back), and on return
   * (`pageshow`) the element is `closed`, one press of Talk from a new conversation.
   */
  private readonly onPageHide = () => {
    if (ACTIVE.has(this.status)) this.disconnect().catch(() => undefined);
  };

  private teardown(): void {
    this.ownerDocument.defaultView?.removeEventListener('pagehide', this.onPageHide);
    this.generation++;
    this.release();
    this.dirty = true;
    this.render();
  }

  private snapshot(): LiveAgentSnapshot {
    if (this.current) return this.current.getSnapshot();
    return this.localError ? { ...IDLE, status: 'error', error: this.localError } : IDLE;
  }

  /** The mode of the live session (a changed attribute applies from the next session). */
  private get pushToTalk(): boolean {
    return (this.current ? this.sessionMode : this.getAttribute('mode')) === 'push-to-talk';
  }

  private render(): void {
    const s = this.snapshot();
    const active = ACTIVE.has(s.status) && this.isConnected;
    if (s.status !== 'connected') this.holding = false;
    const now = Date.now();
    const ui = LiveAgentElement.callUi;
    const ctx = {
      pushToTalk: this.pushToTalk,
      holding: this.holding,
      now,
      ui,
      wait: ui
        ? (this.hints ??= new ui.QuietHints(() => this.render())).check(
            s,
            !this.pushToTalk && this.getAttribute('microphone') !== 'off',
            this.isConnected ? this.hintAfter * 1000 : 0, // a detached element arms no timer
            now,
          )
        : null,
      endpoints: ui?.elementEndpoints(
        (name) => this.getAttribute(name),
        this.ownerDocument.defaultView?.location.origin,
      ),
    };
    this.view?.render(s, ctx, this.hasAttribute('metrics'));
    this.videoControls?.render(s.status);
    // Nothing runs between calls: the meter's worker goes with the call (a new one comes with the next).
    if (!active) this.view?.meter?.reset();
    // Levels animate only while a conversation is on; the countdown ticks only after goAway.
    if (ui && (active || this.loops)) {
      this.loops ??= new ui.RenderLoops(
        this,
        () => this.paintLevels(),
        () => this.render(),
      );
      this.loops.update(active && !!this.view, active && s.goAwayAt !== null);
    }
  }

  private paintLevels(): boolean {
    if (!this.current || !this.view) return false;
    this.view.setLevels(this.current.getLevels());
    return true;
  }

  private startHold(): void {
    if (this.holding || !this.current) return;
    this.holding = true;
    this.current.startActivity();
    this.render();
  }

  private endHold(): void {
    if (!this.holding) return;
    this.holding = false;
    if (this.current?.status === 'connected') this.current.endActivity();
    this.render();
  }
}

/** Every DOM event name the element dispatches, in event-map order. */
export const LIVE_AGENT_DOM_EVENTS: readonly `live-agent-${LiveAgentEventType}`[] =
  LIVE_AGENT_EVENT_TYPES.map((key) => `live-agent-${key}` as const);

declare global {
  interface HTMLElementTagNameMap {
    'live-agent': LiveAgentElement;
  }
}

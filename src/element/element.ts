/**
 * `<live-agent>`: a voice agent in one tag. Thin by design: attributes → session options,
 * session snapshots → shadow-DOM UI, session events → `live-agent-*` DOM events. Importing this
 * module registers nothing (see ./index.ts); the session and media are created on first connect.
 */
import { LiveAgentError } from '../core/errors.ts';
import { LIVE_AGENT_EVENT_TYPES, type LiveAgentEventType } from '../core/events.ts';
import type { LiveAgentSession } from '../core/session.ts';
import { initialSnapshot } from '../core/session-support.ts';
import type { LiveConfig } from '../core/transport.ts';
import type {
  LiveAgentSnapshot,
  LiveAgentStatus,
  TokenSource,
  ToolDefinition,
} from '../core/types.ts';
import type { CallUi } from './call-ui.ts';
import { ElementSession } from './element-session.ts';
import { ACTIVE, ElementUi } from './element-ui.ts';
import { forwardEvents, LiveAgentEvent } from './events.ts';
import { DEFAULT_HINT_AFTER_S } from './hints.ts';
import { adkTarget, mediaOptions, SESSION_ATTRIBUTES, sessionOptions } from './options.ts';
import { RenderGate } from './render-gate.ts';
import type { DepsLoader, SessionDeps } from './session-deps.ts';
import type { VideoControlHost, VideoControls } from './video-controls.ts';
import type { LiveAgentView } from './view.ts';

export type { DepsLoader, SessionDeps } from './session-deps.ts';

/** Attributes that only show or hide the video controls. */
const VIDEO_ATTRIBUTES = ['camera', 'screen', 'video-preview'] as const;
const VIEW_ONLY_VIDEO: readonly string[] = VIDEO_ATTRIBUTES;

const IDLE: LiveAgentSnapshot = Object.freeze(initialSnapshot(false));

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

  private localError: LiveAgentError | null = null;
  private holding = false;
  /** Paces the session's renders; holds them back while the page is hidden. */
  private readonly gate = new RenderGate(this, () => this.render());
  private toolList: ToolDefinition[] = [];
  private configValue: LiveConfig | undefined;
  private tokenValue: TokenSource | undefined;
  private readonly call = new ElementSession({
    options: () =>
      sessionOptions({
        attr: (name) => this.getAttribute(name),
        token: this.tokenValue,
        config: this.configValue,
        tools: this.toolList,
        baseUrl: this.ownerDocument.baseURI,
      }),
    deps: () => this.createSessionDeps(),
    attach: (session, deps) => {
      this.ui.bind(session, deps);
      const off = [session.subscribe(() => this.render(true)), ...forwardEvents(session, this)];
      this.render();
      return off;
    },
    released: () => (this.holding = false),
  });
  private readonly ui = new ElementUi(
    {
      el: this,
      status: () => this.status,
      pushToTalk: () => this.pushToTalk && this.status === 'connected',
      pushToTalkMode: () => this.pushToTalk,
      holding: () => this.holding,
      hintAfter: () => this.hintAfter,
      connect: () => this.connect(),
      disconnect: () => this.disconnect(),
      startHold: () => this.startHold(),
      endHold: () => this.endHold(),
      toggleMute: () => {
        this.current?.setMicEnabled(!this.snapshot().micEnabled);
        this.render(); // a press shows at once
      },
      resumeAudio: () => this.current?.resumeAudio(),
      toggleMetrics: () => this.toggleAttribute('metrics'),
      sendText: (text) => this.sendText(text),
      attr: (name) => this.getAttribute(name),
      session: () => this.current,
      failed: (error) => this.dispatchEvent(new LiveAgentEvent('error', { error, fatal: false })),
      rerender: () => this.render(),
    },
    () => LiveAgentElement,
  );

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  /** The session behind the element; null until the first `connect()`. */
  get session(): LiveAgentSession | null {
    return this.call.current;
  }

  private get current(): LiveAgentSession | null {
    return this.call.current;
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
    this.call.stale = true;
  }

  /** Token source used instead of `token-url` (string, async function or `{url, init}`). */
  get token(): TokenSource | undefined {
    return this.tokenValue;
  }
  set token(token: TokenSource | undefined) {
    this.tokenValue = token;
    this.call.stale = true;
  }

  /** Opens the microphone and connects; resolves once the session is live. Rejects with a LiveAgentError. */
  async connect(): Promise<void> {
    this.localError = null;
    let session: LiveAgentSession;
    try {
      session = await this.call.ensure();
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
    this.render(); // the typed turn shows at once
  }

  connectedCallback(): void {
    this.ui.mount(this.shadowRoot!);
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
    else this.call.stale = true;
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
    this.gate.stop();
    this.call.teardown();
    this.render();
  }

  private snapshot(): LiveAgentSnapshot {
    if (this.current) return this.current.getSnapshot();
    return this.localError ? { ...IDLE, status: 'error', error: this.localError } : IDLE;
  }

  /** The mode of the live session (a changed attribute applies from the next session). */
  private get pushToTalk(): boolean {
    return (this.current ? this.call.mode : this.getAttribute('mode')) === 'push-to-talk';
  }

  /** Draws the current snapshot; `fromSession`: a new one, which may wait (./render-gate.ts). */
  private render(fromSession = false): void {
    const s = this.snapshot();
    if (s.status !== 'connected') this.holding = false;
    if (this.gate.open(s, fromSession)) this.ui.render(s, ACTIVE.has(s.status) && this.isConnected);
  }

  /** The shadow DOM's view (tests read its meter). */
  private get view(): LiveAgentView | null {
    return this.ui.view;
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

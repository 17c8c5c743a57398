/**
 * The element's shadow DOM and what keeps it current: the view and its controls (built on the
 * first connect to the page), the camera/screen toggles, and, once the call-time parts are here
 * (./call-ui.ts), the quiet-call hints, the level meter and the loops that feed it. The element
 * owns the session and its state; this draws them.
 */
import type { LiveAgentSession } from '../core/session.ts';
import type { LiveAgentSnapshot, LiveAgentStatus } from '../core/types.ts';
import type { CallUi } from './call-ui.ts';
import { wireControls, type ControlHost } from './controls.ts';
import type { QuietHints } from './hints.ts';
import type { LevelsFrame, RenderLoops } from './loops.ts';
import { applyStyles } from './styles.ts';
import type { VideoControlHost, VideoControls } from './video-controls.ts';
import { LiveAgentView } from './view.ts';
import type { SessionDeps } from './session-deps.ts';

export const ACTIVE: ReadonlySet<LiveAgentStatus> = new Set([
  'connecting',
  'connected',
  'reconnecting',
]);

/** What the UI reads from its element, beyond the control actions. */
export interface UiHost extends ControlHost, VideoControlHost {
  readonly el: HTMLElement;
  /** The mode is push-to-talk (connected or not: the labels follow the mode). */
  pushToTalkMode(): boolean;
  /** `hint-after` in seconds (0: no hints). */
  hintAfter(): number;
  /** Renders the element again (a hint fell due, the countdown ticked). */
  rerender(): void;
}

/** Where the parts come from (the element's statics, set by the entry modules). */
export interface UiParts {
  callUi: CallUi | undefined;
  videoControls: ((bar: Element, host: VideoControlHost) => VideoControls) | undefined;
}

export class ElementUi {
  view: LiveAgentView | null = null;
  private bar: HTMLElement | null = null;
  private videoControls: VideoControls | null = null;
  private hints: QuietHints | null = null;
  private loops: RenderLoops | null = null;
  /** The session's media: where the graph can, it feeds the meter's worker directly. */
  private media: SessionDeps['media'];

  constructor(
    private readonly host: UiHost,
    private readonly parts: () => UiParts,
  ) {}

  /** Builds the shadow DOM once (a move keeps it). */
  mount(root: ShadowRoot): void {
    if (this.view) return;
    applyStyles(root);
    this.view = new LiveAgentView(root);
    wireControls(this.view, this.host);
    this.bar = root.querySelector<HTMLElement>('[part="bar"]');
    this.ensureVideoControls();
  }

  /** Binds a new session's parts: the meter's worker, the video toggles, an agent server's face. */
  bind(session: LiveAgentSession, deps: SessionDeps): void {
    const ui = this.parts().callUi;
    if (ui) this.view?.useMeter(ui, deps.meterWorker);
    this.media = deps.media;
    this.ensureVideoControls();
    this.videoControls?.bind(session, deps.video);
    this.view?.useAgentFace(deps.agentFace);
  }

  /** Builds the video toggles once their code is here (the IIFE: from its deps, on connect). */
  private ensureVideoControls(): void {
    const make = this.parts().videoControls;
    if (this.videoControls || !this.bar || !make) return;
    this.videoControls = make(this.bar, this.host);
  }

  /** Draws `s`; `active` while a conversation is on and the element is in the page. */
  render(s: LiveAgentSnapshot, active: boolean): void {
    const { el } = this.host;
    const now = Date.now();
    const ui = this.parts().callUi;
    const pushToTalk = this.host.pushToTalkMode();
    const ctx = {
      pushToTalk,
      holding: this.host.holding(),
      now,
      ui,
      wait: ui
        ? (this.hints ??= new ui.QuietHints(() => this.host.rerender())).check(
            s,
            !pushToTalk && el.getAttribute('microphone') !== 'off',
            el.isConnected ? this.host.hintAfter() * 1000 : 0, // a detached element arms no timer
            now,
          )
        : null,
      // Named only in error text: not built (attribute reads, the page's origin) on every snapshot.
      endpoints:
        s.status === 'error'
          ? ui?.elementEndpoints(
              (name) => el.getAttribute(name),
              el.ownerDocument.defaultView?.location.origin,
            )
          : undefined,
    };
    this.view?.render(s, ctx, el.hasAttribute('metrics'));
    this.videoControls?.render(s.status);
    // Nothing runs between calls: the meter's worker goes with the call (a new one comes with the next).
    if (!active) this.view?.meter?.reset();
    // Levels animate only while a conversation is on; the countdown ticks only after goAway.
    if (ui && (active || this.loops)) {
      this.loops ??= new ui.RenderLoops(
        el,
        (hz) => this.paintLevels(hz),
        () => this.host.rerender(),
        () => this.view?.meter?.unfeed(),
      );
      this.loops.update(active && !!this.view, active && s.goAwayAt !== null);
    }
  }

  private paintLevels(hz: number): LevelsFrame {
    const session = this.host.session();
    if (!session || !this.view) return false;
    if (this.view.meter?.feed(this.media, hz)) return 'fed';
    this.view.setLevels(session.getLevels());
    return true;
  }
}

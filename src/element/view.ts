/**
 * The element's shadow DOM: built with createElement (no HTML strings, so Trusted Types pages
 * work) and updated from session snapshots. Pure state → label functions live here too.
 */
import type { MediaLevels } from '../core/media.ts';
import type { LatencyMetrics, LiveAgentSnapshot, UsageTotals } from '../core/types.ts';
import type { CallUi } from './call-ui.ts';
import type { Endpoints, WaitKind } from './hints.ts';
import type { LevelMeter } from './meter.ts';
import type { TranscriptView } from './transcript-view.ts';

/** The element parts only an agent server (ADK) needs, loaded with its transport. */
export interface AgentFace {
  /** The agent name line and server tool lines, added beside the conversation log. */
  view(log: HTMLElement): { update(s: LiveAgentSnapshot): void };
  explain: NonNullable<Endpoints['explain']>;
}

/** What the talk button shows. */
export type UiState =
  'idle' | 'connecting' | 'listening' | 'hearing' | 'speaking' | 'reconnecting' | 'error';

/** Extra element state that is not in the session snapshot. */
export interface ViewContext {
  pushToTalk: boolean;
  /** Push-to-talk is held (button or Space). */
  holding: boolean;
  now: number;
  /** A quiet call's wait, once it has lasted `hint-after` seconds. */
  wait?: WaitKind | null;
  /** Named in error messages (default: Google's endpoint, no token URL). */
  endpoints?: Endpoints;
  /** The call-time parts (hint and error wording, the log), once loaded (./call-ui.ts). */
  ui?: CallUi;
}

const DEFAULT_ENDPOINTS: Endpoints = {
  endpoint: 'https://generativelanguage.googleapis.com',
  tokenUrl: null,
};

/** Maps a snapshot to the talk button's state. */
export function uiState(
  s: Pick<LiveAgentSnapshot, 'status' | 'agentSpeaking' | 'userSpeaking'>,
): UiState {
  switch (s.status) {
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'error':
      return 'error';
    case 'connected':
      return s.agentSpeaking ? 'speaking' : s.userSpeaking ? 'hearing' : 'listening';
    default:
      return 'idle';
  }
}

const LABELS: Record<UiState, string> = {
  idle: 'Talk',
  connecting: 'Connecting…',
  listening: 'Listening',
  hearing: 'Hearing you',
  speaking: 'Agent speaking',
  reconnecting: 'Reconnecting…',
  error: 'Retry',
};

/** Talk button text for a state (push-to-talk replaces the connected labels). */
export function buttonLabel(
  state: UiState,
  ctx: Pick<ViewContext, 'pushToTalk' | 'holding'>,
): string {
  const on = state === 'listening' || state === 'hearing' || state === 'speaking';
  if (on && ctx.pushToTalk) return ctx.holding ? 'Talking…' : 'Hold to talk';
  return LABELS[state];
}

/** The one-line status next to the button (goAway countdown, reconnect attempt, error). */
export function statusText(s: LiveAgentSnapshot, ctx: ViewContext): string {
  if (s.status === 'error') {
    return ctx.ui
      ? ctx.ui.errorText(s.error, ctx.endpoints ?? DEFAULT_ENDPOINTS)
      : (s.error?.message ?? 'Something went wrong');
  }
  if (s.status === 'reconnecting')
    return `Connection lost, reconnecting (attempt ${s.reconnectAttempt})`;
  if (s.status === 'connecting') return 'Connecting…';
  if (s.status === 'closed') return 'Disconnected';
  if (s.status !== 'connected') return 'Ready';
  if (s.goAwayAt !== null) {
    return `Renewing connection in ${Math.max(0, Math.ceil((s.goAwayAt - ctx.now) / 1000))} s`;
  }
  if (!s.micEnabled) return 'Microphone muted';
  if (s.agentSpeaking) return 'Agent speaking, interrupt any time';
  if (ctx.wait && ctx.ui) return ctx.ui.HINTS[ctx.wait];
  return ctx.pushToTalk ? 'Hold the button or Space to talk' : 'Listening, just speak';
}

type Props = Record<string, string | boolean>;

function h<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: Props = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === true) el.setAttribute(key, '');
    else if (value !== false) el.setAttribute(key, value);
  }
  el.append(...children);
  return el;
}

/** References to the live parts of the shadow DOM, plus update methods. */
export class LiveAgentView {
  readonly talk: HTMLButtonElement;
  readonly end: HTMLButtonElement;
  readonly mute: HTMLButtonElement;
  readonly gesture: HTMLButtonElement;
  readonly metricsButton: HTMLButtonElement;
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  private readonly bar: HTMLElement;
  private readonly label: HTMLElement;
  private readonly status: HTMLElement;
  /** Built with the call-time parts on the first call ({@link useMeter}). */
  meter: LevelMeter | null = null;
  private readonly canvas: HTMLCanvasElement;
  private readonly metrics: HTMLElement;
  /** Built with the call-time parts (nothing to show before the first call). */
  private transcript: TranscriptView | null = null;
  private readonly log: HTMLElement;
  private agents: { update(s: LiveAgentSnapshot): void } | null = null;
  private explain: Endpoints['explain'];
  private shownMetrics: LatencyMetrics | null = null;
  private shownUsage: UsageTotals | null = null;

  constructor(root: ShadowRoot) {
    const d = root.ownerDocument;
    this.label = h(d, 'span', {}, LABELS.idle);
    this.talk = h(
      d,
      'button',
      { type: 'button', class: 'talk', part: 'button talk-button', 'aria-pressed': 'false' },
      h(d, 'i'),
      this.label,
    );
    this.end = h(
      d,
      'button',
      { type: 'button', class: 'end', part: 'end-button', hidden: true },
      'End',
    );
    this.mute = h(
      d,
      'button',
      { type: 'button', part: 'mute-button', 'aria-pressed': 'false', hidden: true },
      'Mute',
    );
    this.canvas = h(d, 'canvas', { 'aria-hidden': 'true' });
    // The tracks are static CSS; the levels are drawn on the canvas laid over them.
    const levels = h(
      d,
      'span',
      { class: 'lv', part: 'levels', 'aria-hidden': 'true' },
      h(d, 'span', { title: 'You' }),
      h(d, 'span', { title: 'Agent' }),
      this.canvas,
    );
    this.status = h(d, 'span', { class: 'st', part: 'status', role: 'status' }, 'Ready');
    this.gesture = h(
      d,
      'button',
      { type: 'button', part: 'gesture-button', hidden: true },
      'Tap to enable audio',
    );
    this.metricsButton = h(
      d,
      'button',
      { type: 'button', class: 'mxb', part: 'metrics-button', 'aria-pressed': 'false' },
      'Latency',
    );
    const log = h(d, 'div', {
      class: 'log',
      part: 'transcript',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': 'Conversation',
    });
    this.log = log;
    this.metrics = h(d, 'dl', {
      class: 'mx',
      part: 'metrics',
      hidden: true,
      'aria-label': 'Latency metrics',
    });
    this.input = h(d, 'input', {
      part: 'input',
      type: 'text',
      'aria-label': 'Message the agent',
      placeholder: 'Type a message',
      autocomplete: 'off',
      enterkeyhint: 'send',
    });
    this.form = h(
      d,
      'form',
      { part: 'form' },
      this.input,
      h(d, 'button', { type: 'submit', part: 'send-button' }, 'Send'),
    );
    // Two rows that never wrap: the call controls, then the status line with its extras.
    this.bar = h(d, 'div', { class: 'bar', part: 'bar' }, this.talk, this.end, this.mute, levels);
    const row = h(d, 'div', { class: 'row' }, this.status, this.gesture, this.metricsButton);
    root.append(this.bar, row, log, this.metrics, this.form);
  }

  /** Updates every control from a snapshot (cheap: DOM writes only on change). */
  render(s: LiveAgentSnapshot, ctx: ViewContext, showMetrics: boolean): void {
    const state = uiState(s);
    const on = s.status === 'connecting' || s.status === 'connected' || s.status === 'reconnecting';
    const connected = s.status === 'connected';
    const ptt = ctx.pushToTalk && connected;
    set(this.talk.dataset, 'state', state);
    // The in-call look hangs off the bar: tinted call controls and a red End.
    if (on) attr(this.bar, 'data-call', state);
    else this.bar.removeAttribute('data-call');
    setText(this.label, buttonLabel(state, ctx));
    attr(this.talk, 'aria-pressed', String(ptt ? ctx.holding : on));
    attr(
      this.talk,
      'title',
      ptt
        ? 'Hold to talk (or hold Space)'
        : on
          ? 'End the conversation'
          : 'Start a voice conversation',
    );
    this.end.hidden = !on; // every mode: ending a call never depends on knowing the talk toggle
    this.mute.hidden = !on;
    attr(this.mute, 'aria-pressed', String(!s.micEnabled));
    this.gesture.hidden = !s.needsGesture;
    const where = ctx.endpoints;
    const text = statusText(
      s,
      where && this.explain ? { ...ctx, endpoints: { ...where, explain: this.explain } } : ctx,
    );
    setText(this.status, text);
    if (s.status === 'error') attr(this.status, 'data-error', '');
    else this.status.removeAttribute('data-error');
    if (ctx.wait && connected && !s.agentSpeaking) attr(this.status, 'data-hint', ctx.wait);
    else this.status.removeAttribute('data-hint');
    if (ctx.ui) (this.transcript ??= new ctx.ui.TranscriptView(this.log)).update(s.transcript);
    this.agents?.update(s);
    this.metrics.hidden = !showMetrics;
    attr(this.metricsButton, 'aria-pressed', String(showMetrics));
    if (showMetrics && (s.metrics !== this.shownMetrics || s.usage !== this.shownUsage)) {
      this.renderMetrics(s.metrics, s.usage);
    }
    if (!on) this.setLevels(null);
  }

  /** Adds what an agent server's session shows (from the ADK chunk); once per view. */
  useAgentFace(face: AgentFace | undefined): void {
    if (!face || this.agents) return;
    this.agents = face.view(this.log);
    this.explain = face.explain;
  }

  /** Sets the two level bars (input, output); null empties them. True when it drew. */
  setLevels(levels: MediaLevels | null): boolean {
    return this.meter?.set(levels) ?? false;
  }

  /** Builds the level meter for a call; `startWorker` draws it off the main thread (once set). */
  useMeter(ui: CallUi, startWorker: (() => Worker) | undefined): void {
    this.meter ??= new ui.LevelMeter(this.canvas);
    this.meter.startWorker ??= startWorker;
  }

  private renderMetrics(m: LatencyMetrics, usage: UsageTotals): void {
    this.shownMetrics = m;
    this.shownUsage = usage;
    const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)} ms`);
    const rows: [string, string][] = [
      ['Reply (speech end → first audio)', ms(m.p50ResponseMs)],
      ['Audible', ms(m.p50AudibleMs)],
      ['Barge-in → silence', ms(m.p50InterruptMs)],
      ['Underruns', String(m.underruns)],
      ['Tokens', String(usage.totalTokenCount)],
    ];
    const d = this.metrics.ownerDocument;
    this.metrics.replaceChildren(
      ...rows.flatMap(([k, v]) => [h(d, 'dt', {}, k), h(d, 'dd', {}, v)]),
    );
  }
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function attr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function set(map: DOMStringMap, key: string, value: string): void {
  if (map[key] !== value) map[key] = value;
}

/**
 * The element's shadow DOM: built with createElement (no HTML strings, so Trusted Types pages
 * work) and updated from session snapshots; what the controls say comes from ./labels.ts.
 */
import type { MediaLevels } from '../core/media.ts';
import type { LatencyMetrics, LiveAgentSnapshot, UsageTotals } from '../core/types.ts';
import type { CallUi } from './call-ui.ts';
import type { Endpoints } from './hints.ts';
import { buttonLabel, LABELS, statusText, uiState, type ViewContext } from './labels.ts';
import type { LevelMeter } from './meter.ts';
import type { TranscriptView } from './transcript-view.ts';

/** The element parts only an agent server (ADK) needs, loaded with its transport. */
export interface AgentFace {
  /** The agent name line and server tool lines, added beside the conversation log. */
  view(log: HTMLElement): { update(s: LiveAgentSnapshot): void };
  explain: NonNullable<Endpoints['explain']>;
}

export { buttonLabel, statusText, uiState, type UiState, type ViewContext } from './labels.ts';

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
    hide(this.end, !on); // every mode: ending a call never depends on knowing the talk toggle
    hide(this.mute, !on);
    attr(this.mute, 'aria-pressed', String(!s.micEnabled));
    hide(this.gesture, !s.needsGesture);
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
    hide(this.metrics, !showMetrics);
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

/**
 * Writes a label's text only when it changes, into its one text node (a `textContent` write
 * would replace the node, a childList change instead of a characterData one).
 */
function setText(el: HTMLElement, text: string): void {
  const node = el.firstChild as Text | null;
  // nodeType, not instanceof: the element may live in another window's document.
  if (node?.nodeType === 3 && !node.nextSibling) {
    if (node.data !== text) node.data = text;
  } else if (el.textContent !== text) el.textContent = text;
}

/**
 * The element renders on every snapshot: each write below happens only on a change, since
 * writing the same value again still invalidates style (`hidden` matches the `[hidden]` rule).
 */
export function hide(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}

function attr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function set(map: DOMStringMap, key: string, value: string): void {
  if (map[key] !== value) map[key] = value;
}

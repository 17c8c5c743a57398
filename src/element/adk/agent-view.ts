/**
 * What an agent server (ADK) adds to the element: the answering agent's name, and one line in the
 * conversation log per tool the server ran (a transfer reads as a hand-over). Names, arguments and
 * results are untrusted server data: they only ever become text nodes, never markup. Lines are put
 * where they happen in the log, between transcript turns (TranscriptView steps over them). Part
 * of the ADK chunk (./face.ts).
 */
import type { LiveAgentSnapshot, ServerToolCall } from '../../core/types.ts';

/** Longest arguments or result shown on a tool line (the whole value is in the snapshot). */
const MAX_JSON = 120;

function short(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = String(value);
  }
  return json.length > MAX_JSON ? `${json.slice(0, MAX_JSON - 1)}…` : json;
}

/** The text of one tool line (exported for tests and apps that mirror the element's wording). */
export function serverToolText(call: ServerToolCall): string {
  if (call.name === 'transfer_to_agent') {
    const to = call.args['agent_name'];
    const target = typeof to === 'string' ? to : 'another agent';
    return `${call.agent ?? 'The agent'} handed over to ${target}`;
  }
  const args = Object.keys(call.args).length > 0 ? short(call.args) : '';
  const head = `${call.agent ? `${call.agent} ran` : 'Server tool'} ${call.name}(${args})`;
  if (call.response) return `${head} → ${short(call.response)}`;
  return `${head} … ${call.longRunning ? 'running (long)' : 'running'}`;
}

/** The lines' look, added to the element's own sheet (the IIFE carries none of it). */
const CSS = `.ag{margin:8px 0 0;color:var(--_mu);font-size:12px}
.tl{margin:0;align-self:center;max-width:100%;color:var(--_mu);font-size:12px;white-space:pre-wrap;
overflow-wrap:anywhere}
.tl[data-state=running]{font-style:italic}
:host([layout=compact]) .log .tl,:host([layout=compact]) .ag{display:none}`;

/** As styles.ts does it: a constructed sheet (strict-CSP safe), else a `<style>` element. */
function addStyles(root: Node): void {
  const doc = root.ownerDocument;
  const Sheet = doc?.defaultView?.CSSStyleSheet;
  if (!doc || root.nodeType !== 11) return; // not in a shadow root: the element's only home
  const shadow = root as ShadowRoot;
  if (Sheet && 'adoptedStyleSheets' in shadow && 'replaceSync' in Sheet.prototype) {
    const sheet = new Sheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
    return;
  }
  const style = doc.createElement('style');
  style.textContent = CSS;
  shadow.append(style);
}

const keyOf = (c: ServerToolCall) => `${c.id}\u0000${c.name}\u0000${c.calledAt}`;

/** Keeps the agent name line and the server tool lines in sync with the snapshot. */
export class AgentView {
  private readonly lines = new Map<string, { el: HTMLElement; text: string }>();
  private lastCalls: readonly ServerToolCall[] = [];

  private readonly name: HTMLElement;

  constructor(private readonly log: HTMLElement) {
    // Above the log: hidden while no agent is named.
    this.name = log.ownerDocument.createElement('p');
    this.name.className = 'ag';
    this.name.setAttribute('part', 'agent');
    this.name.hidden = true;
    log.before(this.name);
    addStyles(log.getRootNode());
  }

  update(s: Pick<LiveAgentSnapshot, 'agent' | 'serverToolCalls'>): void {
    const label = s.agent === null ? '' : `Agent: ${s.agent}`;
    if (this.name.textContent !== label) this.name.textContent = label;
    this.name.hidden = s.agent === null;
    if (s.serverToolCalls === this.lastCalls) return;
    this.lastCalls = s.serverToolCalls;
    const seen = new Set<string>();
    for (const call of s.serverToolCalls) {
      const key = keyOf(call);
      seen.add(key);
      const text = serverToolText(call);
      let line = this.lines.get(key);
      if (!line) {
        const el = this.log.ownerDocument.createElement('div');
        el.className = 'tl';
        el.setAttribute('part', 'server-tool');
        // New lines go at the end: a call arrives after the turns before it.
        this.log.append(el);
        this.lines.set(key, (line = { el, text: '' }));
      }
      if (line.text !== text) line.el.textContent = line.text = text;
      line.el.dataset.state = call.response ? 'done' : 'running';
    }
    for (const [key, line] of this.lines) {
      if (!seen.has(key)) {
        line.el.remove();
        this.lines.delete(key);
      }
    }
  }
}

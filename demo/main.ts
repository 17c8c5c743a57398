/**
 * Demo page logic: points `<live-agent>` at the backend the server chose (emulator or Google),
 * registers two page tools, wires the settings and shows every `live-agent-*` event.
 * Served as plain JS (demo/server.ts strips the types); the SDK comes from the IIFE's global.
 */
import type { LiveAgentElement } from '../src/element/element.ts';
import type { LiveAgentEvent } from '../src/element/events.ts';

const agent = document.getElementById('agent') as LiveAgentElement;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function main(): void {
  // The server wrote the backend into the page (endpoint and model on the element).
  const emulator = $('backend').dataset.emulator === 'true';
  const endpoint = agent.getAttribute('endpoint') ?? '';
  $('backend').textContent = emulator
    ? `Local Live emulator at ${endpoint} (set GEMINI_API_KEY to talk to Gemini)`
    : `Gemini Live API, model ${agent.getAttribute('model') ?? ''}`;
  $('chips').hidden = !emulator;
  agent.tools = tools;
  wireSettings();
  wireChips();
  wireSnippet();
  logEvents();
}

const tools: LiveAgentElement['tools'] = [
  {
    name: 'get_time',
    description: "Returns the user's current local time and time zone.",
    parameters: { type: 'OBJECT', properties: {} },
    handler: () => ({
      time: new Date().toLocaleTimeString(),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
  },
  {
    name: 'set_page_color',
    description: 'Sets the background colour of the page. Accepts any CSS colour.',
    parameters: {
      type: 'OBJECT',
      properties: { color: { type: 'STRING', description: 'A CSS colour, e.g. "lavender"' } },
      required: ['color'],
    },
    handler: (args) => {
      const color = String(args.color ?? '');
      // Model output is untrusted: only a valid CSS colour reaches the style.
      if (!CSS.supports('color', color)) return { ok: false, error: `not a CSS colour: ${color}` };
      document.documentElement.style.setProperty('--page-bg', color);
      return { ok: true, color };
    },
  },
];

function wireSettings(): void {
  const form = $<HTMLFormElement>('settings');
  form.addEventListener('change', () => {
    const data = new FormData(form);
    const theme = String(data.get('theme') ?? '');
    setOrRemove(agent, 'theme', theme);
    setOrRemove(document.documentElement, 'data-theme', theme);
    agent.setAttribute('layout', String(data.get('layout')));
    agent.setAttribute('mode', String(data.get('mode')));
    agent.toggleAttribute('metrics', data.get('metrics') === 'on');
  });
  // Keep the checkbox in step with the element's own Latency button.
  new MutationObserver(() => {
    (form.elements.namedItem('metrics') as HTMLInputElement).checked =
      agent.hasAttribute('metrics');
  }).observe(agent, { attributes: true, attributeFilter: ['metrics'] });
}

function wireChips(): void {
  $('chips').addEventListener('click', async (event) => {
    const text = (event.target as HTMLElement).closest('button')?.dataset.say;
    if (!text) return;
    if (agent.status !== 'connected') await agent.connect();
    agent.sendText(text);
  });
}

function wireSnippet(): void {
  const snippet = $('snippet');
  snippet.textContent =
    `<script src="${location.origin}/dist/live-agent.iife.js"></script>\n` +
    '<live-agent token-url="/api/live-token" voice="Kore"></live-agent>';
  const copy = $<HTMLButtonElement>('copy');
  copy.addEventListener('click', async () => {
    await navigator.clipboard.writeText(snippet.textContent ?? '');
    copy.textContent = 'Copied';
    setTimeout(() => (copy.textContent = 'Copy'), 1500);
  });
}

/**
 * The event log, newest first: one readable line per event, and one line per transcript turn
 * that grows in place while the turn is partial (a row per fragment drowned everything else).
 */
function logEvents(): void {
  const log = $('event-log');
  const empty = $('events-empty');
  const turnRows = new Map<string, HTMLElement>();
  const LiveAgent = (window as unknown as { LiveAgent: { LIVE_AGENT_DOM_EVENTS: string[] } })
    .LiveAgent;
  for (const type of LiveAgent.LIVE_AGENT_DOM_EVENTS) {
    if (type === 'live-agent-message') continue; // one per server frame: too chatty to list
    agent.addEventListener(type as 'live-agent-status', (event: LiveAgentEvent) => {
      empty.hidden = true;
      const kind = event.type.slice('live-agent-'.length);
      const detail = event.detail as unknown as Detail;
      if (kind === 'transcript' && detail.turn) {
        const { turn } = detail;
        const row = turnRows.get(turn.id) ?? addRow(log, turn.role === 'user' ? 'you' : 'agent');
        turnRows.set(turn.id, row);
        row.dataset.final = String(turn.final);
        const state = turn.interrupted ? ' (interrupted)' : turn.final ? '' : ' …';
        // Event details hold model text: textContent only.
        row.lastElementChild!.textContent = `${turn.text}${state}`;
        return;
      }
      addRow(log, kind).lastElementChild!.textContent = describe(kind, detail);
      while (log.childElementCount > 60) log.lastElementChild?.remove();
    });
  }
}

/** The fields of the event details this log reads (see LiveAgentEventMap). */
interface Detail {
  status?: string;
  previous?: string;
  turn?: { id: string; role: string; text: string; final: boolean; interrupted: boolean };
  call?: { name?: string; args?: unknown };
  response?: { response?: unknown };
  ids?: string[];
  reason?: string;
  total?: { totalTokenCount: number };
  timeLeftMs?: number;
  attempt?: number;
  delayMs?: number;
  cause?: { code: string };
  handoff?: boolean;
  gapMs?: number;
  error?: { code: string; message: string };
  fatal?: boolean;
  needsGesture?: boolean;
  kind?: string;
  deviceId?: string | null;
}

function addRow(log: HTMLElement, kind: string): HTMLElement {
  const row = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString([], { hour12: false });
  const name = document.createElement('b');
  name.textContent = kind;
  row.append(time, name, document.createElement('span'));
  log.prepend(row);
  return row;
}

function describe(kind: string, d: Detail): string {
  const short = (v: unknown) => {
    const text = JSON.stringify(v ?? {});
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  };
  switch (kind) {
    case 'status':
      return `${d.previous} → ${d.status}`;
    case 'toolcall':
      return `${d.call?.name}(${short(d.call?.args)})`;
    case 'toolresult':
      return `${d.call?.name} → ${short(d.response?.response)}`;
    case 'toolcancel':
      return `cancelled ${d.ids?.join(', ')}`;
    case 'turncomplete':
      return d.reason ?? 'the agent finished its turn';
    case 'interrupted':
      return 'you spoke over the agent: its audio stopped';
    case 'usage':
      return `${d.total?.totalTokenCount} tokens so far`;
    case 'goaway':
      return `server ends this connection in ${Math.round((d.timeLeftMs ?? 0) / 1000)} s`;
    case 'reconnecting':
      return `attempt ${d.attempt} in ${d.delayMs} ms (${d.cause?.code})`;
    case 'resumed':
      return `${d.handoff ? 'handed off' : 'reconnected'}, ${Math.round(d.gapMs ?? 0)} ms gap`;
    case 'error':
      return `${d.error?.code}: ${d.error?.message}${d.fatal ? ' (ended the call)' : ''}`;
    case 'gesture':
      return d.needsGesture ? 'audio waits for a tap' : 'audio unlocked';
    case 'device':
      return `${d.kind} ${d.reason}: ${d.deviceId ?? 'default device'}`;
    case 'setupcomplete':
      return 'session ready';
    case 'metrics': {
      const m = d.turn as unknown as {
        kind: string;
        responseMs?: number | null;
        audibleMs?: number | null;
        silenceMs?: number;
      };
      const ms = (v: number | null | undefined) => (v == null ? '–' : `${Math.round(v)} ms`);
      return m.kind === 'interrupt'
        ? `barge-in → silence in ${ms(m.silenceMs)}`
        : `speech end → reply ${ms(m.responseMs)}, audible ${ms(m.audibleMs)}`;
    }
    default:
      return short(d);
  }
}

function setOrRemove(el: Element, name: string, value: string): void {
  if (value) el.setAttribute(name, value);
  else el.removeAttribute(name);
}

main();

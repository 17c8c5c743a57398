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

function logEvents(): void {
  const log = $('event-log');
  const LiveAgent = (window as unknown as { LiveAgent: { LIVE_AGENT_DOM_EVENTS: string[] } })
    .LiveAgent;
  for (const type of LiveAgent.LIVE_AGENT_DOM_EVENTS) {
    if (type === 'live-agent-message') continue; // one per server frame: too chatty to list
    agent.addEventListener(type as 'live-agent-status', (event: LiveAgentEvent) => {
      const item = document.createElement('li');
      // Event details hold model text: textContent only.
      item.textContent = `${event.type} ${summary(event.detail)}`;
      log.prepend(item);
      while (log.childElementCount > 40) log.lastElementChild?.remove();
    });
  }
}

function summary(detail: unknown): string {
  const text = JSON.stringify(detail, (key, value: unknown) =>
    key === 'transcript' ? undefined : value,
  );
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function setOrRemove(el: Element, name: string, value: string): void {
  if (value) el.setAttribute(name, value);
  else el.removeAttribute(name);
}

main();

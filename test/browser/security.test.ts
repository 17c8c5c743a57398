/**
 * Secrets and untrusted text in a real engine: `<live-agent>` with the real worker transport and
 * Web Audio graph against a per-test emulator. Every credential the page held (one token per
 * connection: first connect and reconnects) is searched for in everything the page exposes —
 * console output, every session event, every DOM event, error messages and stacks, the snapshot,
 * the element's light and shadow DOM (text and attributes), the document and web storage. Model
 * and server text carrying markup is rendered as text.
 */
import { afterEach, expect, it } from 'vitest';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import { LIVE_AGENT_EVENT_TYPES } from '../../src/core/events.ts';
import { sourceMedia, sourceTransport } from '../support/source-deps.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

class SecurityAgent extends LiveAgentElement {
  protected override createSessionDeps(): Promise<SessionDeps> {
    return Promise.resolve({ transport: sourceTransport(), media: sourceMedia() });
  }
}
customElements.define('security-live-agent', SecurityAgent);

const INJECT = '<img src=x onerror="window.__pwnedSec=1"><script>window.__pwnedSec=2</script>';
let emu: EmulatorControl | undefined;
let el: SecurityAgent | undefined;
const restore: (() => void)[] = [];
afterEach(async () => {
  el?.remove();
  for (const r of restore.splice(0)) r();
  await emu?.close();
});

/** Everything the page could leak through, as one searchable text. */
function capture(target: HTMLElement) {
  const seen: string[] = [];
  const text = (value: unknown): string =>
    JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Error
        ? { ...v, name: v.name, message: v.message, stack: v.stack, cause: v.cause }
        : v,
    ) ?? String(value);
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      seen.push(
        `console.${level} ${args.map((a) => (typeof a === 'string' ? a : text(a))).join(' ')}`,
      );
      original.apply(console, args);
    };
    restore.push(() => (console[level] = original));
  }
  for (const type of LIVE_AGENT_EVENT_TYPES)
    target.addEventListener(`live-agent-${type}`, (e) =>
      seen.push(`${type} ${text((e as unknown as { detail: unknown }).detail)}`),
    );
  const onError = (e: ErrorEvent) => seen.push(`window.error ${e.message}`);
  window.addEventListener('error', onError);
  restore.push(() => window.removeEventListener('error', onError));
  return () => {
    const shadow = target.shadowRoot!;
    const attributes = [target, ...shadow.querySelectorAll('*'), ...target.querySelectorAll('*')]
      .flatMap((n) => [...n.attributes].map((a) => `${a.name}=${a.value}`))
      .join('\n');
    const session = (target as SecurityAgent).session;
    return [
      ...seen,
      shadow.innerHTML,
      shadow.textContent ?? '',
      attributes,
      document.documentElement.outerHTML,
      session ? text(session.getSnapshot()) : '',
      text({ ...localStorage }),
      text({ ...sessionStorage }),
    ].join('\n');
  };
}

it('no token ever reaches the console, events, errors, the snapshot or the DOM', async () => {
  emu = await startEmulator({ vad: { thresholdDb: 50 } });
  el = document.createElement('security-live-agent') as SecurityAgent;
  el.setAttribute('token-url', emu.tokenUrl());
  el.setAttribute('endpoint', emu.url);
  document.body.append(el);
  const dump = capture(el);
  await el.connect();
  let live = await emu.waitSession();
  // Untrusted text everywhere it can come from: speech, a tool name, a malformed frame.
  await live.say(`${INJECT} hello`);
  await live.send({ toolCall: { functionCalls: [{ id: 'c1', name: INJECT, args: {} }] } });
  await live.sendRaw(`{"broken": ${INJECT}`);
  const transcript = el.shadowRoot!.querySelector('[part~="transcript"]')!;
  await expect.poll(() => transcript.textContent ?? '', { timeout: 15_000 }).toContain(INJECT);
  // Two drops: each reconnect fetches a fresh token.
  await live.drop();
  live = await emu.waitSession(15_000);
  await expect.poll(() => el!.status, { timeout: 15_000 }).toBe('connected');
  await live.close(1011, 'Internal error encountered.');
  live = await emu.waitSession(15_000);
  await expect.poll(() => el!.status, { timeout: 15_000 }).toBe('connected');
  // A fatal close whose reason carries markup: the error is shown, as text.
  await live.close(1008, INJECT.slice(0, 100));
  await expect.poll(() => el!.status, { timeout: 15_000 }).toBe('error');

  const tokens = (await emu.tokens()).map((t) => t.name);
  expect(tokens.length).toBeGreaterThanOrEqual(3);
  const all = dump();
  expect(all).toContain('hello'); // the capture works
  for (const token of tokens) {
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.replace(/^auth_tokens\//, ''));
  }
  expect(el.shadowRoot!.querySelector('img, script')).toBeNull();
  expect((window as { __pwnedSec?: number }).__pwnedSec).toBeUndefined();
}, 90_000);

it('a token endpoint that returns an API key: refused, and the key is shown nowhere', async () => {
  emu = await startEmulator();
  el = document.createElement('security-live-agent') as SecurityAgent;
  el.setAttribute('token-url', emu.tokenUrl('api-key'));
  el.setAttribute('endpoint', emu.url);
  document.body.append(el);
  const dump = capture(el);
  const error = await el.connect().then(
    () => null,
    (e: unknown) => e as { code?: string },
  );
  expect(error?.code).toBe('api-key-refused');
  expect(el.status).toBe('error');
  expect((await emu.sessions()).length).toBe(0); // never used to open a socket
  const all = dump();
  expect(all).toContain('api-key-refused');
  expect(all).not.toContain('AIzaSyD-emulatorFakeKeyForTests0123456');
  expect(all).not.toContain('emulatorFakeKeyForTests');
}, 30_000);

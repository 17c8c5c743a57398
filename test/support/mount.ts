/**
 * Mounting `<live-agent>` subclasses in browser tests: each element is appended to the document
 * with a token URL, and `unmountAll` (an `afterEach`) removes every one, so no element of one
 * test renders during the next.
 */
import type { LiveAgentElement } from '../../src/element/index.ts';

const mounted: HTMLElement[] = [];

/** Creates `<tag>` with these attributes (a token URL by default) and appends it to the body. */
export function mount<T extends HTMLElement>(
  tag: string,
  attrs: Record<string, string> = { 'token-url': '/api/live-token' },
): T {
  const el = document.createElement(tag) as T;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  document.body.append(el);
  return track(el);
}

/** Has `unmountAll` remove an element a test appended itself (an iframe, an element without attributes). */
export function track<T extends HTMLElement>(el: T): T {
  mounted.push(el);
  return el;
}

/** Mounts `<tag>` and waits for its session to connect. */
export async function mountConnected<T extends LiveAgentElement>(tag: string): Promise<T> {
  const el = mount<T>(tag);
  await el.connect();
  return el;
}

/** Removes every mounted element (pass to `afterEach`). */
export function unmountAll(): void {
  for (const el of mounted.splice(0)) el.remove();
}

/**
 * What a snapshot costs `<live-agent>`'s shadow DOM: the element renders on every snapshot, so
 * each render must write only what changed. A write of the same value is not free: an attribute
 * set again still invalidates the node's style (and `hidden` matches the `[hidden]` rule), a
 * `textContent` write replaces the text node. Seen through a MutationObserver, which records
 * every such write, changed or not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/element/index.ts';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import { RENDER_HZ } from '../../src/element/render-gate.ts';
import { FakeMedia, FakeTransport } from '../../src/testing/index.ts';
import { mountConnected, unmountAll } from '../support/mount.ts';

class WritesAgent extends LiveAgentElement {
  transport = new FakeTransport();
  protected override createSessionDeps(): Promise<SessionDeps> {
    this.transport = new FakeTransport();
    const fetch = () => Promise.resolve(Response.json({ token: 'auth_tokens/writes' }));
    return Promise.resolve({ transport: this.transport, media: new FakeMedia(), fetch });
  }
}
customElements.define('writes-live-agent', WritesAgent);

afterEach(unmountAll);
const connected = () => mountConnected<WritesAgent>('writes-live-agent');

/** The shadow-DOM writes `fn` causes (synchronously, as the element renders on each snapshot). */
async function writes(el: HTMLElement, fn: () => void): Promise<MutationRecord[]> {
  const records: MutationRecord[] = [];
  const observer = new MutationObserver((batch) => records.push(...batch));
  observer.observe(el.shadowRoot!, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeOldValue: true,
    characterData: true,
    characterDataOldValue: true,
  });
  fn();
  await Promise.resolve();
  records.push(...observer.takeRecords());
  observer.disconnect();
  return records;
}

/** Records that rewrote a value with itself (the node's value now equals the old one). */
function unchanged(records: MutationRecord[]): string[] {
  return records
    .filter((r) =>
      r.type === 'attributes'
        ? (r.target as Element).getAttribute(r.attributeName!) === r.oldValue
        : r.type === 'characterData' && (r.target as Text).data === r.oldValue,
    )
    .map(
      (r) => `${r.type} ${r.attributeName ?? ''} on ${(r.target as Element).localName ?? '#text'}`,
    );
}

describe('<live-agent> writes only what a snapshot changed', () => {
  it('a snapshot that changes nothing on screen writes nothing', async () => {
    const el = await connected();
    const session = el.session!;
    let renders = 0;
    session.subscribe(() => renders++);
    // Token usage is in the snapshot, but not on screen while the metrics panel is closed.
    const records = await writes(el, () =>
      el.transport.serverSend({ usageMetadata: { totalTokenCount: 7 } }),
    );
    expect(renders).toBe(1); // the snapshot did change, and the element rendered it
    expect(records.map((r) => `${r.type} ${r.attributeName ?? ''}`)).toEqual([]);
  });

  it('a conversation rewrites no attribute or text with the value it already had', async () => {
    const el = await connected();
    const steps: (() => void)[] = [
      () => el.transport.serverSend({ serverContent: { inputTranscription: { text: 'Hi' } } }),
      () =>
        el.transport.serverSend({
          serverContent: { modelTurn: { parts: [{ text: 'Hello' }] } },
        }),
      () => el.transport.serverSend({ serverContent: { outputTranscription: { text: 'Hel' } } }),
      () => el.transport.serverSend({ serverContent: { outputTranscription: { text: 'lo' } } }),
      () => el.transport.serverSend({ usageMetadata: { totalTokenCount: 9 } }),
      () => el.transport.serverSend({ serverContent: { turnComplete: true } }),
      () => el.session!.setMicEnabled(false),
      () => el.session!.setMicEnabled(true),
    ];
    let total = 0;
    for (const step of steps) {
      const records = await writes(el, step);
      total += records.length;
      expect(unchanged(records)).toEqual([]);
    }
    expect(total).toBeGreaterThan(0); // the captions and the status line did change
  });

  it('renders nothing while the page is hidden, and catches up once when it is seen', async () => {
    const el = await connected();
    const part = (name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~=${name}]`)!;
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      const hidden = await writes(el, () => {
        el.transport.serverSend({ serverContent: { inputTranscription: { text: 'Hi' } } });
        el.transport.serverSend({ serverContent: { outputTranscription: { text: 'Hello' } } });
      });
      expect(hidden).toEqual([]);
      expect(el.session!.getSnapshot().transcript).toHaveLength(2);
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
    }
    const shown = await writes(el, () => document.dispatchEvent(new Event('visibilitychange')));
    expect(shown.length).toBeGreaterThan(0);
    expect(part('transcript').textContent).toContain('Hello');
    expect(part('talk-button').dataset.state).toBe('speaking');
  });

  it('a status change renders at once, even while the page is hidden', async () => {
    const el = await connected();
    const talk = el.shadowRoot!.querySelector<HTMLElement>('[part~=talk-button]')!;
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    try {
      await el.disconnect();
      expect(el.status).toBe('closed');
      expect(talk.dataset.state).toBe('idle');
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
    }
  });

  it('a growing agent caption draws at most RENDER_HZ a second, the newest text, and nothing is lost', async () => {
    const el = await connected();
    const log = el.shadowRoot!.querySelector<HTMLElement>('[part~=transcript]')!;
    const talk = el.shadowRoot!.querySelector<HTMLElement>('[part~=talk-button]')!;
    el.transport.serverSend({ serverContent: { outputTranscription: { text: 'w0' } } });
    const row = log.lastElementChild!;
    expect(row.textContent).toContain('w0'); // the first snapshot in a while draws at once
    expect(talk.dataset.state).toBe('speaking');
    // Fragments about 16 times a second, each in its own task (as from the socket), for 1.2 s.
    const texts: string[] = [];
    const observer = new MutationObserver(() => texts.push(row.textContent ?? ''));
    observer.observe(row, { subtree: true, characterData: true });
    const { sent, seconds } = await stream(el, 'w', 60, 1200);
    // The waiting text follows within one interval: in sync, nothing lost.
    await expect.poll(() => row.textContent, { timeout: 1000 }).toContain(sent);
    observer.disconnect();
    expect(texts.length).toBeGreaterThan(1); // it does follow the text while it grows
    // One draw per fragment would be about 20 here.
    expect(texts.length).toBeLessThanOrEqual(Math.ceil(seconds * RENDER_HZ) + 2);
    // The turn's end waits its turn too (at most one interval), with the last words.
    el.transport.serverSend({ serverContent: { outputTranscription: { text: ' end' } } });
    el.transport.serverSend({ serverContent: { turnComplete: true } });
    await expect.poll(() => (row as HTMLElement).dataset.final, { timeout: 1000 }).toBe('true');
    expect(row.textContent).toContain(`${sent} end`);
    // A status change draws at once, and whatever waits with it.
    el.transport.serverSend({ serverContent: { inputTranscription: { text: 'Bye' } } });
    await el.disconnect();
    expect(talk.dataset.state).toBe('idle');
    expect(log.lastElementChild!.textContent).toContain('Bye');
  });

  it('fragments closer together than a frame still draw at most RENDER_HZ a second', async () => {
    const el = await connected();
    el.transport.serverSend({ serverContent: { outputTranscription: { text: 'f0' } } });
    const row = el.shadowRoot!.querySelector<HTMLElement>('[part~=transcript]')!.lastElementChild!;
    let writes = 0;
    const observer = new MutationObserver((records) => (writes += records.length));
    observer.observe(row, { subtree: true, characterData: true });
    const { sent, seconds } = await stream(el, 'f', 8, 600);
    await expect.poll(() => row.textContent, { timeout: 1000 }).toContain(sent);
    observer.disconnect();
    // One draw per fragment would be about 60 here.
    expect(writes).toBeLessThanOrEqual(Math.ceil(seconds * RENDER_HZ) + 2);
  });

  it('who speaks, new turns and their ends share frames: at most RENDER_HZ draws a second', async () => {
    const el = await connected();
    const log = el.shadowRoot!.querySelector<HTMLElement>('[part~=transcript]')!;
    // Tasks in which the shadow DOM changed (a MutationObserver reports once per task).
    let draws = 0;
    const observer = new MutationObserver(() => draws++);
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true });
    // A turn a quarter second: the user's line, the agent's answer and its end 40 ms apart, each
    // changing the rows and who speaks (drawn at once, these were three frames a turn).
    const t0 = performance.now();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    for (let i = 0; i < 8; i++) {
      el.transport.serverSend({ serverContent: { inputTranscription: { text: `Q${i}` } } });
      await sleep(40);
      el.transport.serverSend({ serverContent: { outputTranscription: { text: `A${i}` } } });
      await sleep(40);
      el.transport.serverSend({ serverContent: { turnComplete: true } });
      await sleep(40);
    }
    const seconds = (performance.now() - t0) / 1000;
    await expect.poll(() => log.children.length, { timeout: 1000 }).toBe(16);
    await expect.poll(() => (log.lastElementChild as HTMLElement).dataset.final).toBe('true');
    observer.disconnect();
    expect(log.textContent).toContain('A7');
    expect(draws).toBeGreaterThan(1);
    // Three draws a turn would be 24 here.
    expect(draws).toBeLessThanOrEqual(Math.ceil(seconds * RENDER_HZ) + 2);
  });

  it('a long conversation grows the log, never the page around it', async () => {
    const el = await connected();
    el.style.setProperty('--live-agent-transcript-height', '120px');
    for (let i = 0; i < 40; i++) {
      el.transport.serverSend({ serverContent: { inputTranscription: { text: `Question ${i}` } } });
      el.transport.serverSend({ serverContent: { outputTranscription: { text: `Answer ${i}` } } });
      el.transport.serverSend({ serverContent: { turnComplete: true } });
    }
    const log = el.shadowRoot!.querySelector<HTMLElement>('[part~=transcript]')!;
    expect(log.children).toHaveLength(80);
    expect(log.scrollHeight).toBeGreaterThan(2000); // 80 rows, scrolled in a 120 px box
    // Each row's screen-reader prefix is absolutely positioned: unless the log holds it, it sits
    // in the page's box at its unscrolled place (row 80: thousands of pixels down).
    const bottom = el.getBoundingClientRect().bottom + scrollY;
    expect(document.documentElement.scrollHeight).toBeLessThanOrEqual(
      Math.max(innerHeight, bottom + 50),
    );
  });
});

/**
 * Sends the agent's caption fragments ` ${tag}1`, ` ${tag}2`… every `everyMs`, each in its own
 * task (as from the socket), for `forMs`, after `${tag}0` was sent: the whole text, and how long.
 */
async function stream(
  el: Awaited<ReturnType<typeof connected>>,
  tag: string,
  everyMs: number,
  forMs: number,
): Promise<{ sent: string; seconds: number }> {
  const t0 = performance.now();
  let sent = `${tag}0`;
  for (let i = 1; performance.now() - t0 < forMs; i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    el.transport.serverSend({ serverContent: { outputTranscription: { text: ` ${tag}${i}` } } });
    sent += ` ${tag}${i}`;
  }
  return { sent, seconds: (performance.now() - t0) / 1000 };
}

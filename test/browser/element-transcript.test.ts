/**
 * What a transcript update costs `<live-agent>`'s caption log, seen through the DOM: a partial
 * caption rewrites one text node and nothing else, earlier turns are never rebuilt, and the log
 * follows new text only while the reader is at the bottom.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import '../../src/element/index.ts';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import { FakeMedia, FakeTransport } from '../../src/testing/index.ts';
import { mount, unmountAll } from '../support/mount.ts';

class CaptionAgent extends LiveAgentElement {
  transport = new FakeTransport();
  protected override createSessionDeps(): Promise<SessionDeps> {
    this.transport = new FakeTransport();
    const fetch = () => Promise.resolve(Response.json({ token: 'auth_tokens/captions' }));
    return Promise.resolve({ transport: this.transport, media: new FakeMedia(), fetch });
  }
}
customElements.define('caption-live-agent', CaptionAgent);

afterEach(unmountAll);

async function connected(): Promise<CaptionAgent> {
  const el = mount<CaptionAgent>('caption-live-agent');
  el.style.setProperty('--live-agent-transcript-height', '120px');
  await el.connect();
  return el;
}

const isChromium = navigator.userAgent.includes('Chrome');

const log = (el: HTMLElement) => el.shadowRoot!.querySelector<HTMLElement>('[part~=transcript]')!;
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

/** `n` finished exchanges: a user line and a model reply each. */
function talk(el: CaptionAgent, n: number): void {
  for (let i = 0; i < n; i++) {
    el.transport.serverSend({ serverContent: { inputTranscription: { text: `Question ${i}` } } });
    el.transport.serverSend({ serverContent: { outputTranscription: { text: `Answer ${i}` } } });
    el.transport.serverSend({ serverContent: { turnComplete: true } });
  }
}

/** Records every DOM mutation under the log while `fn` runs. */
async function mutations(target: HTMLElement, fn: () => void): Promise<MutationRecord[]> {
  const seen: MutationRecord[] = [];
  const observer = new MutationObserver((records) => seen.push(...records));
  observer.observe(target, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
  fn();
  await Promise.resolve();
  seen.push(...observer.takeRecords());
  observer.disconnect();
  return seen;
}

describe('<live-agent> caption log updates', () => {
  it('a partial caption rewrites the last turn’s text node, nothing else', async () => {
    const el = await connected();
    talk(el, 10);
    el.transport.serverSend({ serverContent: { outputTranscription: { text: 'One' } } });
    const rows = [...log(el).children];
    expect(rows).toHaveLength(21);
    const last = rows.at(-1)!;
    const records = await mutations(log(el), () =>
      el.transport.serverSend({ serverContent: { outputTranscription: { text: ' two' } } }),
    );
    expect(records.map((r) => r.type)).toEqual(['characterData']);
    expect(records[0]!.target.parentNode).toBe(last);
    expect(last.textContent).toContain('One two');
    // Every row is the same node as before: nothing was rebuilt or moved.
    expect([...log(el).children]).toEqual(rows);
  });

  it('finishing a turn writes only that turn’s attributes', async () => {
    const el = await connected();
    talk(el, 5);
    el.transport.serverSend({ serverContent: { outputTranscription: { text: 'Partial' } } });
    const last = log(el).lastElementChild!;
    const records = await mutations(log(el), () =>
      el.transport.serverSend({ serverContent: { turnComplete: true } }),
    );
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.type).toBe('attributes');
      expect(r.target).toBe(last);
    }
    expect((last as HTMLElement).dataset.final).toBe('true');
  });

  it('follows new text at the bottom, and leaves a reader who scrolled up where they are', async () => {
    const el = await connected();
    const box = log(el);
    talk(el, 12);
    await frame();
    expect(box.scrollHeight).toBeGreaterThan(box.clientHeight); // it overflows
    const atEnd = () => box.scrollHeight - box.scrollTop - box.clientHeight < 2;
    await expect.poll(atEnd).toBe(true);
    box.scrollTop = 0;
    await new Promise((r) => box.addEventListener('scroll', r, { once: true }));
    talk(el, 2);
    await frame();
    await frame();
    expect(box.scrollTop).toBe(0);
    box.scrollTop = box.scrollHeight;
    await new Promise((r) => box.addEventListener('scroll', r, { once: true }));
    talk(el, 2);
    await expect.poll(atEnd).toBe(true);
  });

  it.runIf(isChromium)(
    'reads no layout per update (20 partials in one task lay out at most once)',
    async () => {
      const el = await connected();
      talk(el, 10);
      const session = cdp();
      await session.send('Performance.enable');
      const layouts = async () => {
        const { metrics } = (await session.send('Performance.getMetrics')) as {
          metrics: { name: string; value: number }[];
        };
        return metrics.find((m) => m.name === 'LayoutCount')?.value ?? NaN;
      };
      await frame();
      const before = await layouts();
      // A layout read after each write (where to scroll) would lay out 20 times here.
      for (let i = 0; i < 20; i++)
        el.transport.serverSend({ serverContent: { outputTranscription: { text: ` w${i}` } } });
      const after = await layouts();
      await session.send('Performance.disable');
      expect(after - before).toBeLessThanOrEqual(2);
    },
  );
});

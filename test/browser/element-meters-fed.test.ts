/**
 * `<live-agent>` on the real Web Audio graph: the worklets feed the meter's worker straight
 * (LiveMedia.feedLevels), so while the fake microphone talks the main thread reads no level and
 * receives no level message, yet the input bar moves; hiding the element stops the feed, showing
 * it starts a fresh one. Messages are counted in the page, at every MessagePort handler.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import captureUrl from '../../worklets/capture.worklet.ts?worker&url';
import playbackUrl from '../../worklets/playback.worklet.ts?worker&url';
import '../../src/element/index.ts';
import { createWebAudioMedia, type WebAudioMedia } from '../../src/audio/index.ts';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import { FakeTransport } from '../../src/testing/index.ts';

const isChromium = navigator.userAgent.includes('Chrome');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Level messages delivered to main-thread MessagePort handlers set after install. */
const levelMessages = { n: 0 };
beforeAll(() => {
  const desc = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage')!;
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    ...desc,
    set(this: MessagePort, fn: ((e: MessageEvent) => unknown) | null) {
      const counted = fn
        ? (e: MessageEvent<{ type?: string }>) => {
            if (e.data?.type === 'level') levelMessages.n++;
            return fn.call(this, e);
          }
        : fn;
      desc.set!.call(this, counted);
    },
  });
});

class FedAgent extends LiveAgentElement {
  media: WebAudioMedia | undefined;
  protected override createSessionDeps(): Promise<SessionDeps> {
    this.media = createWebAudioMedia({
      workletUrls: { capture: captureUrl, playback: playbackUrl },
    });
    const fetch = () => Promise.resolve(Response.json({ token: 'auth_tokens/fed' }));
    const meterWorker = () =>
      new Worker(new URL('../../src/worker/live.worker.ts', import.meta.url), { type: 'module' });
    return Promise.resolve({
      transport: new FakeTransport(),
      media: this.media,
      fetch,
      meterWorker,
    });
  }
}
customElements.define('fed-live-agent', FedAgent);

const mounted: HTMLElement[] = [];
afterEach(async () => {
  for (const el of mounted.splice(0)) {
    await (el as FedAgent).disconnect();
    el.remove();
  }
});

/** Fraction of the input bar's row that is painted, read from a copy of the canvas. */
function inputShare(el: HTMLElement): number {
  const target = el.shadowRoot!.querySelector('canvas')!;
  const copy = document.createElement('canvas');
  copy.width = target.width;
  copy.height = target.height;
  const ctx = copy.getContext('2d')!;
  ctx.drawImage(target, 0, 0);
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  const y = Math.round(2 * (devicePixelRatio || 1));
  let n = 0;
  for (let x = 0; x < copy.width; x++) if (data[(y * copy.width + x) * 4 + 3]! > 128) n++;
  return n / copy.width;
}

// Chromium only: its fake microphone plays speech, so the bar takes many heights. Firefox's is a
// steady tone (the bar shows two states) and WebKitGTK's a hum with a beep a second.
describe.runIf(isChromium)('<live-agent> meters fed off the main thread', () => {
  it('moves the input bar while the main thread reads no level and gets no level message', async () => {
    const el = document.createElement('fed-live-agent') as FedAgent;
    el.setAttribute('token-url', '/api/live-token');
    document.body.append(el);
    mounted.push(el);
    await el.connect();
    const media = el.media!;
    const reads = vi.spyOn(media, 'getLevels');
    // Chromium's fake microphone plays speech: the bar shows it within a few seconds.
    const seen = new Set<number>();
    for (let i = 0; i < 100 && seen.size < 3; i++) {
      seen.add(Math.round(inputShare(el) * 8));
      await sleep(50);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3); // it moved, more than on/off
    const before = levelMessages.n;
    await sleep(1000);
    expect(levelMessages.n - before).toBe(0);
    expect(reads).not.toHaveBeenCalled();

    // Hidden: the feed stops (0 Hz); visible again: a fresh one at the meter's rate.
    const feed = vi.spyOn(media, 'feedLevels');
    el.style.cssText = 'position:fixed;top:-5000px;left:0';
    await expect.poll(() => feed.mock.calls.at(-1)?.[0]).toBe(0);
    el.style.cssText = '';
    await expect.poll(() => feed.mock.calls.at(-1)?.[0], { timeout: 3000 }).toBeGreaterThan(0);
    // Each level a bar shows is a draw of the meter's canvas, and each draw a main-thread task
    // (the placeholder canvas takes the picture): ten a second still reads as live.
    expect(feed.mock.calls.at(-1)?.[0]).toBeLessThanOrEqual(10);
    expect(levelMessages.n - before).toBe(0);
  });

  it('an app that reads the levels still gets them, at ~30 Hz, beside the fed meter', async () => {
    const el = document.createElement('fed-live-agent') as FedAgent;
    el.setAttribute('token-url', '/api/live-token');
    document.body.append(el);
    mounted.push(el);
    await el.connect();
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      seen.add(el.session!.getLevels().input.rms);
      await sleep(25);
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});

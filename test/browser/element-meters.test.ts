/**
 * What `<live-agent>`'s level meters cost: levels are read at most 10 times a second (4 under
 * prefers-reduced-motion), drawn only when they change, never while the element is off-screen or
 * the document hidden, and drawing them recalculates no style (Chromium, CDP metrics).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cdp } from 'vitest/browser';
import '../../src/element/index.ts';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import { LEVELS_HZ } from '../../src/element/loops.ts';
import { FakeMedia, FakeTransport } from '../../src/testing/index.ts';
import { mountConnected, unmountAll } from '../support/mount.ts';

const isChromium = navigator.userAgent.includes('Chrome');

/** FakeMedia that counts getLevels() calls: each one is a meter update. */
class CountingMedia extends FakeMedia {
  reads = 0;
  override getLevels() {
    this.reads++;
    return super.getLevels();
  }
}

class MeterAgent extends LiveAgentElement {
  media = new CountingMedia();
  protected override createSessionDeps(): Promise<SessionDeps> {
    this.media = new CountingMedia();
    const fetch = () => Promise.resolve(Response.json({ token: 'auth_tokens/meters' }));
    // The SDK's worker file draws the meters, as in the default deps.
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
customElements.define('meter-live-agent', MeterAgent);

afterEach(unmountAll);
const connected = () => mountConnected<MeterAgent>('meter-live-agent');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const canvas = (el: HTMLElement) => el.shadowRoot!.querySelector('canvas')!;

/** Meter reads during `ms`. */
async function readsDuring(el: MeterAgent, ms: number): Promise<number> {
  const before = el.media.reads;
  await sleep(ms);
  return el.media.reads - before;
}

/** Counts the meter's frames (drawn in its worker where it can start, else here). */
function countDraws(el: MeterAgent): { readonly draws: number; stop(): void } {
  const meter = el['view']!.meter!;
  const start = meter.draws;
  return {
    get draws() {
      return meter.draws - start;
    },
    stop: () => undefined,
  };
}

/** Device pixels of the canvas, as the page shows it (a worker-owned canvas too). */
async function pixels(target: HTMLCanvasElement): Promise<Uint8ClampedArray> {
  const copy = document.createElement('canvas');
  copy.width = target.width;
  copy.height = target.height;
  const ctx = copy.getContext('2d')!;
  ctx.drawImage(target, 0, 0);
  return ctx.getImageData(0, 0, copy.width, copy.height).data;
}

/** Fraction of the first bar's row (y = 2 px) that is painted. */
function filledShare(data: Uint8ClampedArray, width: number, ratio: number): number {
  const y = Math.round(2 * ratio);
  let n = 0;
  for (let x = 0; x < width; x++) if (data[(y * width + x) * 4 + 3]! > 128) n++;
  return n / width;
}

describe('<live-agent> level meters', () => {
  it('reads levels at most LEVELS_HZ (10) times a second and draws only when they change', async () => {
    const el = await connected();
    const draws = countDraws(el);
    try {
      // ≤ LEVELS_HZ a second (one extra for the timer phase) over however long it took to see
      // a few reads: a loaded machine runs fewer, never more.
      const readsFrom = el.media.reads;
      const from = performance.now();
      await sleep(1000);
      await expect.poll(() => el.media.reads - readsFrom, { timeout: 10_000 }).toBeGreaterThan(3);
      const reads = el.media.reads - readsFrom;
      expect(reads).toBeLessThanOrEqual(
        Math.floor(LEVELS_HZ * ((performance.now() - from) / 1000)) + 1,
      );
      expect(draws.draws, 'silence drew').toBe(0);
      el.media.levels = { input: { rms: 0.2, peak: 0.4 }, output: { rms: 0, peak: 0 } };
      // One change, one draw, however many reads: waited for (a loaded page draws late), then it
      // stays one while the meter keeps reading.
      await expect.poll(() => draws.draws, { timeout: 10_000 }).toBe(1);
      await sleep(200);
      expect(draws.draws).toBe(1);
      let v = 0;
      const wobble = setInterval(() => {
        v = (v + 1) % 10;
        el.media.levels = { input: { rms: 0.05 + v / 20, peak: 1 }, output: { rms: 0, peak: 0 } };
      }, 5);
      const wobbleFrom = performance.now();
      const drawsFrom = draws.draws;
      await sleep(500);
      // Levels changing at 200 Hz are drawn at the meter's rate, not theirs: bounded from above
      // by the time that passed (which a slow machine only lengthens); some draws were waited for.
      await expect.poll(() => draws.draws - drawsFrom, { timeout: 10_000 }).toBeGreaterThan(2);
      clearInterval(wobble);
      const wobbleSecs = (performance.now() - wobbleFrom) / 1000;
      expect(draws.draws - drawsFrom).toBeLessThanOrEqual(Math.floor(LEVELS_HZ * wobbleSecs) + 2);
    } finally {
      draws.stop();
    }
  });

  it('paints the bars, in a worker where the engine can (Chromium)', async () => {
    // Polls wait up to 10 s: a loaded Firefox's meter worker painted after the former 3 s.
    const el = await connected();
    el.media.levels = { input: { rms: 0.25, peak: 0.5 }, output: { rms: 0, peak: 0 } };
    const target = canvas(el);
    const ratio = devicePixelRatio || 1;
    // 0.25 RMS shows 6 of the 8 steps: three quarters of the first bar.
    await expect
      .poll(async () => filledShare(await pixels(target), target.width, ratio), { timeout: 10_000 })
      .toBeCloseTo(0.75, 1);
    if (isChromium) {
      // The canvas belongs to the meter worker: the main thread cannot draw on it any more.
      expect(() => target.getContext('2d')).toThrow();
    }
    el.media.levels = { input: { rms: 0, peak: 0 }, output: { rms: 0, peak: 0 } };
    await expect
      .poll(async () => filledShare(await pixels(target), target.width, ratio), { timeout: 10_000 })
      .toBe(0);
  });

  it('a call’s end or a removal stops the meter worker; the next call draws on a fresh canvas', async () => {
    const el = await connected();
    el.media.levels = { input: { rms: 0.25, peak: 0.5 }, output: { rms: 0, peak: 0 } };
    await expect.poll(() => el['view']!.meter!.draws, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = canvas(el);
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      el.remove();
      await Promise.resolve(); // removal is settled in a microtask (a move keeps the call)
      expect(terminate).toHaveBeenCalled();
    } finally {
      terminate.mockRestore();
    }
    expect(canvas(el)).not.toBe(first);
    document.body.append(el);
    await el.connect();
    el.media.levels = { input: { rms: 0.25, peak: 0.5 }, output: { rms: 0, peak: 0 } };
    const target = canvas(el);
    await expect
      .poll(async () => filledShare(await pixels(target), target.width, devicePixelRatio || 1), {
        timeout: 10_000,
      })
      .toBeCloseTo(0.75, 1);
  });

  it('stops while the element is off-screen and starts again when it is back', async () => {
    const el = await connected();
    await expect.poll(() => readsDuring(el, 300), { timeout: 10_000 }).toBeGreaterThan(0);
    el.style.cssText = 'position:fixed;top:-5000px;left:0';
    // The IntersectionObserver reports on the next frames: waited for (a loaded Firefox took more
    // than a fixed 150 ms), then a whole 400 ms window without a read.
    await expect.poll(() => readsDuring(el, 400), { timeout: 10_000 }).toBe(0);
    el.style.cssText = '';
    await expect.poll(() => readsDuring(el, 300), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('stops while the document is hidden and starts again when it is visible', async () => {
    const el = await connected();
    await expect.poll(() => readsDuring(el, 300), { timeout: 10_000 }).toBeGreaterThan(0);
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      expect(await readsDuring(el, 400)).toBe(0);
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await expect.poll(() => readsDuring(el, 300), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('updates at 4 Hz under prefers-reduced-motion', async () => {
    const real = window.matchMedia;
    window.matchMedia = (q: string) =>
      ({ ...real.call(window, q), matches: q.includes('reduced-motion') }) as MediaQueryList;
    try {
      const el = await connected();
      const reads = await readsDuring(el, 1000);
      expect(reads).toBeGreaterThan(0);
      expect(reads).toBeLessThanOrEqual(5);
    } finally {
      window.matchMedia = real;
    }
  });

  it('stops reading when the call ends', async () => {
    const el = await connected();
    await el.disconnect();
    expect(await readsDuring(el, 300)).toBe(0);
  });

  it.runIf(isChromium)('draws changing levels without recalculating style', async () => {
    const el = await connected();
    const session = cdp();
    await session.send('Performance.enable');
    const recalcs = async () => {
      const { metrics } = (await session.send('Performance.getMetrics')) as {
        metrics: { name: string; value: number }[];
      };
      return metrics.find((m) => m.name === 'RecalcStyleCount')?.value ?? NaN;
    };
    const draws = countDraws(el);
    await sleep(100);
    const before = await recalcs();
    let v = 0;
    const wobble = setInterval(() => {
      v = (v + 1) % 10;
      el.media.levels = { input: { rms: v / 10, peak: 1 }, output: { rms: 1 - v / 10, peak: 1 } };
    }, 15);
    await sleep(1000);
    clearInterval(wobble);
    const after = await recalcs();
    draws.stop();
    await session.send('Performance.disable');
    expect(draws.draws).toBeGreaterThan(5);
    // A style or custom-property write per update would recalculate once per draw.
    expect(after - before).toBeLessThan(draws.draws / 5);
  });
});

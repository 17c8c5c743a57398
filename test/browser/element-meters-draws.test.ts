/**
 * The meter's worker side (serveMeter) draws on a transferred canvas, and every draw is a commit
 * that costs the main thread a task (the placeholder canvas takes the new picture there). Here it
 * runs in the page on a real OffscreenCanvas, fed through real MessagePorts, and its draws are
 * counted at the 2D context: the two bars' changes within one interval make one draw, at most
 * METER_DRAW_HZ a second, and levels at rest make none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { METER_DRAW_HZ, serveMeter, type MeterMessage } from '../../src/meter/paint.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fed {
  input: MessagePort;
  output: MessagePort;
  /** Pictures drawn so far (each clears the canvas first). */
  draws(): number;
  close(): void;
}

const open: Fed[] = [];
afterEach(() => {
  for (const f of open.splice(0)) f.close();
});

/** A meter served as its worker would be, with a counting view of a real context. */
function fedMeter(): Fed {
  const scope = new EventTarget();
  serveMeter(scope as unknown as Parameters<typeof serveMeter>[0]);
  const send = (data: MeterMessage) => scope.dispatchEvent(new MessageEvent('message', { data }));
  const canvas = new OffscreenCanvas(56, 13);
  const ctx = canvas.getContext('2d')!;
  let draws = 0;
  const clearRect = ctx.clearRect.bind(ctx);
  ctx.clearRect = (...args: Parameters<typeof ctx.clearRect>) => {
    draws++;
    clearRect(...args);
  };
  send({ meterCanvas: canvas });
  send({ meterLook: { w: 56, h: 13, ratio: 1, color: 'rgb(26, 115, 232)' } });
  const input = new MessageChannel();
  const output = new MessageChannel();
  send({ meterLevels: { input: input.port2, output: output.port2 } });
  const fed = {
    input: input.port1,
    output: output.port1,
    draws: () => draws,
    close() {
      for (const p of [input.port1, input.port2, output.port1, output.port2]) p.close();
    },
  };
  open.push(fed);
  return fed;
}

/** Posts levels on both ports at `hz` for `ms`; `level(i)` gives tick i's input and output rms. */
async function feed(f: Fed, hz: number, ms: number, level: (i: number) => [number, number]) {
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < ms; i++) {
    const [a, b] = level(i);
    f.input.postMessage({ type: 'level', rms: a });
    f.output.postMessage({ type: 'level', rms: b });
    await sleep(1000 / hz);
  }
  return (performance.now() - t0) / 1000;
}

describe('the meter worker draws its canvas', () => {
  it('both bars moving on every tick: one draw for both, at most METER_DRAW_HZ a second', async () => {
    const f = fedMeter();
    const base = f.draws();
    // Loud and quiet in turn, each bar the other way round: every tick moves both bars.
    const seconds = await feed(f, 30, 1000, (i) => (i % 2 ? [0.3, 0.01] : [0.01, 0.3]));
    await sleep(200); // the last gathered draw
    const draws = f.draws() - base;
    expect(draws).toBeGreaterThan(3); // it does draw
    // One draw per bar per tick would be ~60 here.
    expect(draws / seconds).toBeLessThanOrEqual(METER_DRAW_HZ + 2);
  });

  it('draws nothing while both levels rest', async () => {
    const f = fedMeter();
    await feed(f, 30, 300, (i) => (i % 2 ? [0.3, 0.3] : [0.01, 0.01]));
    await feed(f, 30, 300, () => [0, 0]); // falls back to empty: one last draw
    await sleep(200);
    const before = f.draws();
    await feed(f, 30, 1000, (i) => [0.0005 * (i % 3), 0.0002]); // silence, a little room noise
    await sleep(200);
    expect(f.draws() - before).toBe(0);
  });
});

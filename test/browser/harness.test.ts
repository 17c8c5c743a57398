/**
 * Proves the real-browser harness in every engine: an AudioWorklet runs, a module Worker answers
 * over comlink, and a WebSocket reaches a Node server on 127.0.0.1.
 */
import { expect, inject, test } from 'vitest';
import * as Comlink from 'comlink';
import type { HarnessWorkerApi } from '../support/harness.worker.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an AudioWorklet processes 128-frame quanta', async () => {
  const ctx = new AudioContext();
  await ctx.resume();
  const code = `registerProcessor('harness-tick', class extends AudioWorkletProcessor {
    process(inputs) {
      this.port.postMessage([currentFrame, inputs[0]?.[0]?.length ?? 128]);
      return true;
    } });`;
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  const node = new AudioWorkletNode(ctx, 'harness-tick');
  const frames: number[] = [];
  const sizes = new Set<number>();
  node.port.onmessage = (e: MessageEvent<[number, number]>) => {
    frames.push(e.data[0]);
    sizes.add(e.data[1]);
  };
  const osc = new OscillatorNode(ctx);
  osc.connect(node).connect(ctx.destination);
  osc.start();
  // Half a second of *audio*, not of wall time: on a loaded CI machine WebKit's audio thread can
  // start late (one run saw 27 quanta in 500 ms of wall time).
  const want = ctx.sampleRate / 2;
  for (let i = 0; i < 200 && (frames.at(-1) ?? 0) < want; i++) await sleep(50);
  await ctx.close();
  expect(frames.at(-1)).toBeGreaterThanOrEqual(want);
  // Once the graph runs, every render quantum reaches process(), in order. (Before its input is
  // active, an engine may skip a node: Chromium skipped 12 quanta at the start in one run.)
  const running = frames.slice(10);
  const steps = new Set(running.slice(1).map((f, i) => f - running[i]!));
  expect([...steps]).toEqual([128]);
  expect([...sizes]).toEqual([128]);
});

test('a module Worker answers over comlink', async () => {
  const worker = new Worker(new URL('../support/harness.worker.ts', import.meta.url), {
    type: 'module',
  });
  const api = Comlink.wrap<HarnessWorkerApi>(worker);
  expect(await api.add(2, 40)).toBe(42);
  expect(await api.isModuleWorker()).toBe(true);
  worker.terminate();
});

test('a WebSocket from the worker reaches a Node server on 127.0.0.1', async () => {
  const worker = new Worker(new URL('../support/harness.worker.ts', import.meta.url), {
    type: 'module',
  });
  const api = Comlink.wrap<HarnessWorkerApi>(worker);
  const echoed = await api.echo(inject('echoUrl'), [1, 2, 3, -4]);
  expect(echoed).toEqual({ text: 'hello', binary: [1, 2, 3, -4] });
  worker.terminate();
});

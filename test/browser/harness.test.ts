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
    process(inputs) { this.port.postMessage(inputs[0]?.[0]?.length ?? 128); return true; } });`;
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  const node = new AudioWorkletNode(ctx, 'harness-tick');
  const sizes = new Set<number>();
  let quanta = 0;
  node.port.onmessage = (e: MessageEvent<number>) => {
    quanta++;
    sizes.add(e.data);
  };
  new OscillatorNode(ctx).connect(node).connect(ctx.destination);
  await sleep(500);
  await ctx.close();
  // ~0.5 s at 44.1/48 kHz is ~170-190 quanta; Firefox's mock clock is not real time (±20%).
  expect(quanta).toBeGreaterThan(60);
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

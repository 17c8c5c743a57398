/**
 * Cost bench page, two variants chosen by `start()`: `element` is `<live-agent>` with its default
 * UI (levels animating, transcript, status line), `bare` is the same LiveAgentSession, worker
 * transport and Web Audio graph with no UI at all. Both use the shipped worker (counted).
 */
import { installCounters, COUNTS_CHANNEL, type Counts } from './counters.ts';

const counts = installCounters('main');

export interface CostBenchPage {
  start(variant: 'element' | 'bare', endpoint: string, token: string): Promise<void>;
  /** Transcript turns the session holds now. */
  turns(): number;
  /** Main-thread counts and the worker's. */
  counts(): Promise<Counts>;
  stop(): Promise<string[]>;
  /**
   * The element's shadow-DOM mutations so far, by kind (`attributes data-state`, …); the first
   * call starts counting (profile runs only: the observer is not free).
   */
  mutations(): Counts;
}

declare global {
  interface Window {
    costBench: CostBenchPage;
  }
}

const errors: string[] = [];
let stop: () => Promise<void> = async () => {};
let turns = () => 0;
const mutations: Counts = {};
let observing = false;

/** The transport worker's counts, and the meter worker's where there is one (the element). */
function workerCounts(): Promise<Counts> {
  const channel = new BroadcastChannel(COUNTS_CHANNEL);
  const all: Counts = {};
  let worker = false;
  return new Promise<Counts>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench worker did not answer')), 5000);
    const done = () => {
      clearTimeout(timer);
      channel.close();
      resolve(all);
    };
    channel.onmessage = (e: MessageEvent<{ from: string; counts: Counts }>) => {
      Object.assign(all, e.data.counts);
      if (e.data.from !== 'meter') worker = true;
      // The meter worker, if any, answers about as fast; wait a moment for it.
      if (worker) setTimeout(done, 200);
    };
    channel.postMessage('counts');
  });
}

window.costBench = {
  async start(variant, endpoint, token) {
    const [{ createWebAudioMedia }, { createWorkerTransport }] = await Promise.all([
      import('../../src/audio/index.ts'),
      import('../../src/transport/worker-transport.ts'),
    ]);
    const deps = () => ({
      transport: createWorkerTransport({
        worker: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
      }),
      media: createWebAudioMedia(),
      // The element's meters: the same worker file, named so its counters stay out of the count.
      meterWorker: () =>
        new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'meter' }),
    });
    if (variant === 'bare') {
      const { LiveAgentSession } = await import('../../src/core/index.ts');
      const s = new LiveAgentSession({ token, endpoint, reconnect: false }, deps());
      s.on('error', (e) => errors.push(`${e.error.code}: ${e.error.message}`));
      turns = () => s.getSnapshot().transcript.length;
      s.subscribe(() => (counts['snapshots (main)'] = (counts['snapshots (main)'] ?? 0) + 1));
      await s.connect();
      stop = async () => {
        await s.disconnect();
        s.dispose();
      };
      return;
    }
    // The `live-agent/element` entry: it also gives the element its call-time UI (meters,
    // captions, hints); element.ts + define.ts alone draw neither meters nor captions.
    const { LiveAgentElement } = await import('../../src/element/index.ts');
    LiveAgentElement.depsLoader = deps;
    const el = document.createElement('live-agent');
    el.setAttribute('endpoint', endpoint);
    el.token = token;
    el.addEventListener('live-agent-error', (e) => {
      const { error } = e.detail;
      errors.push(`${error.code}: ${error.message}`);
    });
    document.body.append(el);
    await el.connect();
    turns = () => el.session?.getSnapshot().transcript.length ?? 0;
    el.session?.subscribe(
      () => (counts['snapshots (main)'] = (counts['snapshots (main)'] ?? 0) + 1),
    );
    stop = async () => {
      await el.disconnect();
      el.remove();
    };
  },

  turns: () => turns(),

  mutations() {
    const root = document.querySelector('live-agent')?.shadowRoot;
    if (root && !observing) {
      observing = true;
      // What the UI writes, by kind: a write that changes something costs a style or layout pass.
      new MutationObserver((records) => {
        for (const r of records) {
          const k = `${r.type} ${r.attributeName ?? (r.target as Element).localName ?? ''}`;
          mutations[k] = (mutations[k] ?? 0) + 1;
        }
      }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    }
    return { ...mutations };
  },

  async counts() {
    const w = await workerCounts();
    return { ...counts, ...w };
  },

  async stop() {
    await stop();
    return errors;
  },
};

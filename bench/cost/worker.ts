/**
 * Cost bench worker: src/worker/live.worker.ts as it ships, with the message counters installed
 * first and handed to the page over a BroadcastChannel (comlink owns the worker's own port).
 */
import { COUNTS_CHANNEL, installCounters } from './counters.ts';

const counts = installCounters('worker');
const channel = new BroadcastChannel(COUNTS_CHANNEL);
// Both answer: the transport worker first, the element's meter worker (same file) as `meter`.
// Answers the page's request only: the other worker's answer reaches this channel too.
channel.onmessage = (e: MessageEvent) => {
  if (e.data === 'counts') channel.postMessage({ from: self.name, counts: { ...counts } });
};

await import('../../src/worker/live.worker.ts');

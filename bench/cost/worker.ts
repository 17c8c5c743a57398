/**
 * Cost bench worker: src/worker/live.worker.ts as it ships, with the message counters installed
 * first and handed to the page over a BroadcastChannel (comlink owns the worker's own port).
 */
import { COUNTS_CHANNEL, installCounters } from './counters.ts';

const counts = installCounters('worker');
const channel = new BroadcastChannel(COUNTS_CHANNEL);
// The element's meter worker (same file) stays silent: the page wants the transport worker's counts.
if (self.name !== 'meter') channel.onmessage = () => channel.postMessage({ ...counts });

await import('../../src/worker/live.worker.ts');

/**
 * Message counters for the cost bench, installed before any SDK code runs in the page and in
 * the worker: every postMessage sent and every message delivered to a MessagePort `onmessage`
 * handler is counted under the thread boundary it crossed, told apart by the message's shape
 * (the SDK's port protocols are discriminated unions, so the shape names the boundary).
 */

export type Counts = Record<string, number>;

export const COUNTS_CHANNEL = 'live-agent-cost-bench-counts';

const PLAYBACK_COMMANDS = new Set(['chunk', 'end-turn', 'flush']);
const PLAYBACK_REPORTS = new Set(['started', 'silent', 'turn-done', 'stats']);
const WORKLET_CONTROL = new Set(['port', 'enable', 'stop']);

function kind(data: unknown): string | undefined {
  const t = (data as { type?: unknown } | null)?.type;
  return typeof t === 'string' ? t : undefined;
}

/** Installs the counters in this scope (`main` or `worker`) and returns the live counts. */
export function installCounters(scope: 'main' | 'worker'): Counts {
  const counts: Counts = {};
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const sent = (data: unknown): void => {
    const t = kind(data);
    // The element's level-meter worker gets { meterCanvas }, { meterFrame }, { meterLook } or
    // { meterLevels } (src/meter/paint.ts).
    const meter =
      typeof data === 'object' &&
      data !== null &&
      ['meterFrame', 'meterLook', 'meterLevels', 'meterCanvas'].some((k) => k in data);
    if (scope === 'main')
      bump(
        t && WORKLET_CONTROL.has(t) ? 'main→worklet' : meter ? 'main→meter worker' : 'main→worker',
      );
    else bump(t && PLAYBACK_COMMANDS.has(t) ? 'worker→playback worklet' : 'worker→main');
  };
  const received = (data: unknown): void => {
    const t = kind(data);
    if (scope === 'main' && t === 'level')
      bump('turnId' in (data as object) ? 'playback worklet→main' : 'capture worklet→main');
    else if (scope === 'worker' && t === 'level')
      // Only the meter worker gets levels off the main thread (LiveMedia.feedLevels).
      bump(
        'turnId' in (data as object)
          ? 'playback worklet→meter worker'
          : 'capture worklet→meter worker',
      );
    else if (scope === 'worker' && t === 'audio') bump('capture worklet→worker');
    else if (scope === 'worker' && t && PLAYBACK_REPORTS.has(t)) bump('playback worklet→worker');
  };

  const portSend = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (this: MessagePort, ...args: unknown[]) {
    sent(args[0]);
    return (portSend as (...a: unknown[]) => void).apply(this, args);
  };
  if (scope === 'main') {
    const workerSend = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: unknown[]) {
      sent(args[0]);
      return (workerSend as (...a: unknown[]) => void).apply(this, args);
    };
  } else {
    const self = globalThis as unknown as { postMessage: (...a: unknown[]) => void };
    const selfSend = self.postMessage.bind(self);
    self.postMessage = (...args: unknown[]) => {
      sent(args[0]);
      selfSend(...args);
    };
  }
  const desc = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage')!;
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    ...desc,
    set(this: MessagePort, fn: ((e: MessageEvent) => unknown) | null) {
      desc.set!.call(
        this,
        fn
          ? (e: MessageEvent) => {
              received(e.data);
              return fn.call(this, e);
            }
          : fn,
      );
    },
  });
  return counts;
}

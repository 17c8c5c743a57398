/**
 * The worker's RPC: a method call is one postMessage `{ rpc, method, args }`, answered by
 * `{ rpc, ok, value }`. It replaces comlink, whose general proxies (nested paths, callbacks,
 * construction, releasing) the worker API never used and which was bundled twice, once on each
 * side of the worker (about 1.6 KB gzip each). Per-frame traffic does not go through here: it has
 * its own MessagePorts (docs/architecture.md, Threads).
 */

/** What both sides need of a Worker, a worker's global scope or a MessagePort. */
export interface RpcEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

/** Every method of T, called across the thread boundary: always asynchronous. */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

interface Call {
  rpc: number;
  method: string;
  args: unknown[];
}
interface Reply {
  rpc: number;
  ok: boolean;
  /** The result, or `{ name, message }` of what the method threw. */
  value: unknown;
}

const transfers = new WeakMap<object, Transferable[]>();

/** Marks an argument whose `list` (ports, buffers) moves to the other side instead of a copy. */
export function transfer<T extends object>(value: T, list: Transferable[]): T {
  transfers.set(value, list);
  return value;
}

/** The calling side: `wrap<WorkerApi>(worker).open(…)` posts the call and awaits its reply. */
export function wrap<T>(endpoint: RpcEndpoint): Remote<T> {
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 0;
  endpoint.addEventListener('message', (event) => {
    const reply = event.data as Reply;
    const waiter = pending.get(reply?.rpc);
    if (!waiter || typeof reply.ok !== 'boolean') return;
    pending.delete(reply.rpc);
    if (reply.ok) waiter.resolve(reply.value);
    else {
      const { name, message } = reply.value as { name: string; message: string };
      waiter.reject(Object.assign(new Error(message), { name }));
    }
  });
  endpoint.start?.();
  const call =
    (method: string) =>
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const rpc = ++next;
        pending.set(rpc, { resolve, reject });
        const list = args.flatMap((a) => (a && typeof a === 'object' && transfers.get(a)) || []);
        endpoint.postMessage({ rpc, method, args } satisfies Call, list);
      });
  // A method table built on first use of each name; `then` stays undefined so the object is
  // never mistaken for a promise.
  const methods = new Map<string, ReturnType<typeof call>>();
  return new Proxy({} as Remote<T>, {
    get: (_, name) => {
      if (typeof name !== 'string' || name === 'then') return undefined;
      let m = methods.get(name);
      if (!m) methods.set(name, (m = call(name)));
      return m;
    },
  });
}

/** The answering side: runs `api`'s own methods for calls arriving on `endpoint`. */
export function expose(api: object, endpoint: RpcEndpoint): void {
  const own = (name: string) => Object.prototype.hasOwnProperty.call(api, name);
  endpoint.addEventListener('message', (event) => {
    const call = event.data as Call;
    if (typeof call?.rpc !== 'number' || typeof call.method !== 'string') return;
    const answer = (ok: boolean, value: unknown) =>
      endpoint.postMessage({ rpc: call.rpc, ok, value } satisfies Reply, []);
    const fail = (error: unknown) =>
      answer(false, {
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      });
    try {
      const fn = own(call.method) && (api as Record<string, unknown>)[call.method];
      if (typeof fn !== 'function') throw new TypeError(`No worker method ${call.method}`);
      Promise.resolve(fn.apply(api, call.args)).then((value) => answer(true, value), fail);
    } catch (error) {
      fail(error);
    }
  });
  endpoint.start?.();
}

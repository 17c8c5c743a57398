/**
 * Where a page's main-thread script time goes: a V8 CPU profile over a window (CDP Profiler),
 * reduced to the top functions by self time, and by total time (self plus callees), so a cost
 * can be traced back to the SDK function that causes it.
 */
import type { CDPSession } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface HotFunction {
  name: string;
  /** Milliseconds per second of window. */
  selfMs: number;
  totalMs: number;
}

/** Starts the sampling profiler (1 ms interval); the returned function stops it and reduces. */
export async function startProfile(
  cdp: CDPSession,
): Promise<(seconds: number) => Promise<HotFunction[]>> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  return async (seconds) => {
    const { profile } = await cdp.send('Profiler.stop');
    const nodes = profile.nodes as ProfileNode[];
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    // Each sample's time is the delta to the next one (µs).
    const selfUs = new Map<number, number>();
    for (let i = 0; i < samples.length; i++) {
      const dt = deltas[i + 1] ?? 0;
      selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + dt);
    }
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const key = (n: ProfileNode) => {
      const file = n.callFrame.url.split('/').pop() ?? '';
      return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
    };
    const self = new Map<string, number>();
    const total = new Map<string, number>();
    // Total time of a node's subtree, counted once per function along each stack (recursion).
    const walk = (id: number, onStack: Set<string>): number => {
      const n = byId.get(id)!;
      const k = key(n);
      let t = selfUs.get(id) ?? 0;
      self.set(k, (self.get(k) ?? 0) + t);
      const inner = new Set(onStack).add(k);
      for (const c of n.children ?? []) t += walk(c, inner);
      if (!onStack.has(k)) total.set(k, (total.get(k) ?? 0) + t);
      return t;
    };
    walk(nodes[0]!.id, new Set());
    return [...total.keys()]
      .filter((k) => !/^\((root|program|idle)\)/.test(k))
      .map((name) => ({
        name,
        selfMs: (self.get(name) ?? 0) / 1000 / seconds,
        totalMs: (total.get(name) ?? 0) / 1000 / seconds,
      }));
  };
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, µs: unlike `dur`, not inflated while the thread waits or is preempted. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { functionName?: string; url?: string; lineNumber?: number; type?: string };
    /** Where a task was posted from (RunTask, `toplevel` category). */
    src_func?: string;
    src_file?: string;
  };
}

/** The event's name, with the function it called or the DOM event it dispatched. */
function label(e: TraceEvent): string {
  const d = e.args?.data;
  if (e.name === 'FunctionCall' && d)
    return `FunctionCall ${d.functionName || '(anonymous)'} ${(d.url ?? '').split('/').pop()}:${d.lineNumber ?? 0}`;
  if (e.name === 'EventDispatch' && d?.type) return `EventDispatch ${d.type}`;
  // Tasks that run no script are told apart by where they were posted from.
  if (e.name === 'RunTask' && e.args?.src_func)
    return `RunTask ${e.args.src_func} (${(e.args.src_file ?? '').split('/').pop()})`;
  return e.name;
}

/**
 * The renderer main thread's tasks over the trace (per second of `seconds`): how many, their
 * wall time (what TaskDuration counts) and their thread time (CPU; on a loaded machine the wall
 * time also counts waiting, for the compositor at each commit and for a core), and how many
 * were rendering frames.
 */
export function mainThreadTasks(
  trace: Buffer,
  seconds: number,
): { tasks: number; wallMs: number; cpuMs: number; frames: number; frameCpuMs: number } {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain');
  const out = { tasks: 0, wallMs: 0, cpuMs: 0, frames: 0, frameCpuMs: 0 };
  if (!main) return out;
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.name !== 'ThreadControllerImpl::RunTask')
      continue;
    out.tasks++;
    out.wallMs += (e.dur ?? 0) / 1000;
    out.cpuMs += (e.tdur ?? 0) / 1000;
    if (e.args?.src_func === 'ScheduledActionSendBeginMainFrame') {
      out.frames++;
      out.frameCpuMs += (e.tdur ?? 0) / 1000;
    }
  }
  for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] /= seconds;
  return out;
}

/** Trace categories for {@link mainThreadBreakdown}. */
export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'toplevel',
];

/**
 * Self time by trace event name on the renderer main thread (ms per second of `seconds`), from
 * a Chromium trace (JSON): what the main thread does besides script (paint, commit, GC, …).
 */
export function mainThreadBreakdown(
  trace: Buffer,
  seconds: number,
): { name: string; selfMs: number; count: number }[] {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  const xs = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, { us: number; count: number }>();
  const stack: { end: number; name: string; child: number }[] = [];
  const close = (upTo: number) => {
    while (stack.length && stack[stack.length - 1]!.end <= upTo) {
      const top = stack.pop()!;
      const s = self.get(top.name) ?? { us: 0, count: 0 };
      s.us += top.end - top.child;
      s.count++;
      self.set(top.name, s);
    }
  };
  for (const e of xs) {
    close(e.ts);
    const parent = stack[stack.length - 1];
    if (parent) parent.child += e.dur!;
    // `child` starts at the start time and gains each child's duration: self = end − child.
    stack.push({ end: e.ts + e.dur!, name: label(e), child: e.ts });
  }
  close(Infinity);
  return [...self]
    .map(([name, s]) => ({ name, selfMs: s.us / 1000 / seconds, count: s.count / seconds }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

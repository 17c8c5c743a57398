/**
 * What a page's heap gained between two moments, by constructor: two CDP heap snapshots (each
 * after a GC) reduced to live object counts and self sizes per class name, then diffed. Used by
 * the cost bench's long run (COST_HEAP_DIFF=1) to say what a conversation retains.
 */
import type { CDPSession } from 'playwright-core';

/** Self bytes and count of every live object, by class name (strings and code by type). */
export type HeapCensus = Map<string, { count: number; bytes: number }>;

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Takes a heap snapshot (the profiler collects garbage first) and counts it by class. */
export async function heapCensus(cdp: CDPSession): Promise<HeapCensus> {
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join('')) as SnapshotJson;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [TYPE, NAME, SIZE] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const census: HeapCensus = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + TYPE!]!]!;
    // Objects (and DOM objects) by constructor; everything else (strings, arrays' backing stores, code) by type.
    const key =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${type} ${snap.strings[snap.nodes[i + NAME!]!]}`
        : type;
    const c = census.get(key) ?? { count: 0, bytes: 0 };
    c.count++;
    c.bytes += snap.nodes[i + SIZE!]!;
    census.set(key, c);
  }
  return census;
}

/** The classes that grew most from `a` to `b`, by bytes. */
export function censusDiff(
  a: HeapCensus,
  b: HeapCensus,
  top = 15,
): { name: string; count: number; bytes: number }[] {
  return [...b]
    .map(([name, x]) => ({
      name,
      count: x.count - (a.get(name)?.count ?? 0),
      bytes: x.bytes - (a.get(name)?.bytes ?? 0),
    }))
    .filter((d) => d.bytes !== 0 || d.count !== 0)
    .sort((p, q) => Math.abs(q.bytes) - Math.abs(p.bytes))
    .slice(0, top);
}

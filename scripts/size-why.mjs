/**
 * Where the script-tag files' bytes come from: rebuilds the minified browser files of
 * rollup.config.mjs with source maps (in memory; dist is left alone) and lists, per file, the
 * minified bytes each source module contributes. `npm run size:why` (all script-tag files) or
 * `npm run size:why -- worker` (files whose name contains an argument). The gzip figure is the
 * whole file's; a module's share of it is roughly its share of the minified bytes. Sizes come
 * from this source-mapped build and may differ from dist's by some dozens of bytes (more for a
 * file listed without the files it shares a name cache with, rollup.config.mjs: `-- deps` alone).
 */
import { gzipSync } from 'node:zlib';
import { TraceMap, eachMapping } from '@jridgewell/trace-mapping';
import { rollup } from 'rollup';
import configs from '../rollup.config.mjs';

const SCRIPT_TAG = ['iife', 'deps', 'live-agent.worker', 'audio.worklet'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : SCRIPT_TAG;
const TOP = 40;

for (const config of configs) {
  const out = [config.output].flat()[0];
  const name = String(out.file ?? out.entryFileNames).replace(/^.*\//, '');
  if (!name.startsWith('live-agent') || !wanted.some((w) => name.includes(w))) continue;
  const bundle = await rollup({ ...config, onwarn() {} });
  const { output } = await bundle.generate({ ...out, sourcemap: true });
  await bundle.close();
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue;
    const lines = chunk.code.split('\n');
    const segments = [];
    eachMapping(new TraceMap(chunk.map), (m) => segments.push(m));
    const bytes = new Map();
    segments.forEach((m, i) => {
      const next = segments[i + 1];
      const end =
        next && next.generatedLine === m.generatedLine
          ? next.generatedColumn
          : lines[m.generatedLine - 1].length;
      const source = (m.source ?? '(none)').replace(
        /^.*?\b(?=src\/|worklets\/|node_modules\/)/,
        '',
      );
      bytes.set(source, (bytes.get(source) ?? 0) + end - m.generatedColumn);
    });
    const gz = gzipSync(chunk.code, { level: 9 }).length;
    console.log(`${chunk.fileName}: ${chunk.code.length} B minified, ${gz} B gzip -9`);
    for (const [source, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, TOP))
      console.log(`${String(n).padStart(8)}  ${source}`);
  }
}

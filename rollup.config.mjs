// One table of outputs (comlink's habit): ESM entries, the worker, one bundle per worklet, the
// script-tag IIFE, and the Node-only entries. Declarations come from `tsc -p tsconfig.build.json`.
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';

const ts = (minify) => [nodeResolve({ browser: true }), esbuild({ target: 'es2022', minify })];
const nodeTs = [esbuild({ target: 'node20' })];
const external = (id) => /^(node:|ws$|@google\/genai)/.test(id);

/** Browser ESM entries: `live-agent`, `live-agent/dsp`, … (shared chunks sit beside them). */
const esm = {
  dsp: 'src/dsp/index.ts',
};

/** Self-contained files the SDK loads at run time, found beside the entry that loads them. */
const runtime = [];

/** Node/edge entries: never bundled into browser code. */
const node = {};

export default [
  {
    input: esm,
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
    },
    plugins: ts(false),
  },
  ...runtime.map(([input, file, format = 'es', name]) => ({
    input,
    output: { file: `dist/${file}`, format, name },
    plugins: ts(true),
  })),
  ...(Object.keys(node).length
    ? [
        {
          input: node,
          output: { dir: 'dist', format: 'es', entryFileNames: '[name].js' },
          external,
          plugins: nodeTs,
        },
      ]
    : []),
];

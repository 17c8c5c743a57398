/**
 * Headless Debian Chromium for the browser benches: a page bundled with esbuild (an index.html
 * loading one entry), and a browser whose fake microphone plays a WAV file in a loop.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, enginePath } from '../../test/support/engines.ts';

/** Bundles `entries` (output name → source file) into `outdir`; index.html loads `main`. */
export async function bundlePage(
  outdir: string,
  entries: Record<string, string>,
  main: string,
): Promise<void> {
  await build({
    entryPoints: entries,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'error',
    outdir,
    plugins: [workletSideEffects],
  });
  writeFileSync(
    join(outdir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><script type="module" src="./${main}.js"></script>`,
  );
}

/**
 * worklets/audio.worklet.ts imports its two processors only for their side effect (each registers
 * itself); package.json's `sideEffects` lists built files only, so esbuild would drop those imports.
 */
const workletSideEffects: Plugin = {
  name: 'worklet-side-effects',
  setup(b) {
    b.onResolve({ filter: /\.worklet\.ts$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path),
      sideEffects: true,
    }));
  },
};

/** Launches Chromium with its fake microphone playing `wav`. */
export function launchWithMic(wav: string): Promise<Browser> {
  return chromium.launch({
    executablePath: enginePath('chromium'),
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
  });
}

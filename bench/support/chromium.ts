/**
 * Headless Debian Chromium for the browser benches: a page bundled with esbuild (an index.html
 * loading one entry), and a browser whose fake microphone plays a WAV file in a loop.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
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
  });
  writeFileSync(
    join(outdir, 'index.html'),
    `<!doctype html><meta charset="utf-8"><script type="module" src="./${main}.js"></script>`,
  );
}

/** Launches Chromium with its fake microphone playing `wav`. */
export function launchWithMic(wav: string): Promise<Browser> {
  return chromium.launch({
    executablePath: enginePath('chromium'),
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
  });
}

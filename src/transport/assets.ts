/**
 * Resolves the SDK's companion files (worker, worklets) next to the bundle that is running:
 * the ESM build and the IIFE sit beside `live-agent.worker.js` and the worklets in dist/, and
 * rollup rewrites `import.meta.url` in the IIFE to the script's own URL.
 */

// Captured at load time: in the IIFE this is the only moment `document.currentScript` is set.
const MODULE_URL = import.meta.url;

/** URL of a file shipped beside the bundle (`assetUrl('live-agent.worker.js')`), or beside `base`. */
export function assetUrl(name: string, base?: string | URL): URL {
  return new URL(name, base ?? MODULE_URL);
}

/** File name of the transport worker in dist/. */
export const WORKER_FILE = 'live-agent.worker.js';

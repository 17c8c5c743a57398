/**
 * The SDK's companion files (worker, worklets) and how they are loaded. The ESM build and the
 * IIFE sit beside `live-agent.worker.js` and the worklets in dist/; code that loads them uses the
 * literal `new URL('./file', import.meta.url)` pattern so app bundlers ship the files too.
 */

/** File name of the transport worker in dist/. */
export const WORKER_FILE = 'live-agent.worker.js';

interface TrustedTypesLike {
  createPolicy(
    name: string,
    rules: { createScriptURL(url: string): string },
  ): { createScriptURL(url: string): unknown };
}
let policy: { createScriptURL(url: string): unknown } | null | undefined;

/**
 * The URL as a TrustedScriptURL where the page enforces Trusted Types
 * (`require-trusted-types-for 'script'`; allow the policy with `trusted-types live-agent`).
 * Only URLs the SDK itself chose or the app configured pass through it.
 */
export function trustedScriptUrl(url: string | URL): string {
  if (policy === undefined) {
    const tt = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
    try {
      policy = tt?.createPolicy('live-agent', { createScriptURL: (u) => u }) ?? null;
    } catch {
      policy = null; // the page's CSP does not allow our policy name: plain strings then
    }
  }
  // Browsers accept a TrustedScriptURL wherever a script URL string goes.
  return (policy ? policy.createScriptURL(String(url)) : String(url)) as string;
}

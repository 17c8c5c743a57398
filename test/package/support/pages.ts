/**
 * Test pages for the script-tag face: markup a user would write, plus an init script (injected by
 * Playwright, so it runs before the page's own scripts and is exempt from the page's CSP) that
 * records CSP violations and the element's DOM events on `window`.
 */

/** A plain page: the IIFE through `<script src>` and one `<live-agent>` tag. */
export function iifePage(opts: { tokenUrl: string; endpoint: string; extraHead?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>live-agent script tag</title>
<script src="/dist/live-agent.iife.js"></script>
${opts.extraHead ?? ''}
</head>
<body>
<live-agent token-url="${opts.tokenUrl}" endpoint="${opts.endpoint}"></live-agent>
</body>
</html>`;
}

/** What the init script leaves on `window`. */
export interface PageRecord {
  csp: { directive: string; blocked: string; source: string }[];
  events: { type: string; status?: string; code?: string; fatal?: boolean; message?: string }[];
}

/** Runs in every page before its scripts (pass to `context.addInitScript`). */
export function recordPage(): void {
  const w = window as unknown as { __record: PageRecord };
  const record: PageRecord = { csp: [], events: [] };
  w.__record = record;
  document.addEventListener('securitypolicyviolation', (e) => {
    record.csp.push({
      directive: e.violatedDirective,
      blocked: e.blockedURI,
      source: e.sourceFile,
    });
  });
  for (const type of ['status', 'error', 'goaway', 'resumed', 'reconnecting', 'toolresult']) {
    // The element's events bubble and are composed: a window listener sees them all.
    window.addEventListener(`live-agent-${type}`, (e) => {
      const d = (e as CustomEvent).detail as {
        status?: string;
        fatal?: boolean;
        error?: { code?: string; message?: string };
      };
      record.events.push({
        type,
        status: d.status,
        code: d.error?.code,
        fatal: d.fatal,
        message: d.error?.message,
      });
    });
  }
}

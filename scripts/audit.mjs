#!/usr/bin/env node
/**
 * CI's dependency audit: `npm audit --omit=dev --audit-level=high --json` on what the package
 * ships (runtime dependencies only). Exit 1 on any high or critical advisory. When the registry's
 * audit endpoint cannot answer (offline, a proxy that refuses the POST, a registry without the
 * endpoint), print one loud "npm audit NOT CHECKED: <reason>" line and exit 0, so CI still runs
 * where the endpoint is unreachable; AUDIT_REQUIRED=1 makes that a failure too.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Reads npm's JSON output (npm 10/11 report format: `metadata.vulnerabilities.{high,critical}`).
 * @param {string} stdout what `npm audit --json` printed
 * @returns {{ status: 'ok' | 'vulnerable' | 'unchecked', high: number, critical: number,
 *   packages: string[], reason: string }}
 */
export function readAuditReport(stdout) {
  const none = { high: 0, critical: 0, packages: [] };
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    const text = stdout.trim().slice(0, 120);
    return { status: 'unchecked', ...none, reason: text ? `not JSON: ${text}` : 'no output' };
  }
  const counts = report?.metadata?.vulnerabilities;
  if (!counts || typeof counts !== 'object') {
    // The error shapes: `{ message, statusCode }` (an HTTP failure) or `{ error: { code, summary } }`.
    const error = report?.error;
    const detail =
      (typeof report?.message === 'string' && report.message) ||
      [error?.code, error?.summary].filter((s) => typeof s === 'string' && s).join(': ') ||
      'no vulnerability counts in the report';
    return { status: 'unchecked', ...none, reason: detail.split('\n')[0].slice(0, 200) };
  }
  const count = (v) => (Number.isFinite(v) && v > 0 ? v : 0);
  const high = count(counts.high);
  const critical = count(counts.critical);
  const packages = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => v?.severity === 'high' || v?.severity === 'critical')
    .map(([name, v]) => `${name} (${v.severity})`);
  const status = high + critical > 0 ? 'vulnerable' : 'ok';
  return { status, high, critical, packages, reason: '' };
}

/**
 * What CI does with a reading: the line to print and the exit code.
 * @param {ReturnType<typeof readAuditReport>} result
 * @param {boolean} required AUDIT_REQUIRED=1: an unchecked audit fails
 * @returns {{ code: number, line: string }}
 */
export function auditVerdict(result, required) {
  if (result.status === 'unchecked') {
    const line = `npm audit NOT CHECKED: ${result.reason}${required ? ' (AUDIT_REQUIRED=1: failing)' : ''}`;
    return { code: required ? 1 : 0, line };
  }
  if (result.status === 'vulnerable') {
    const which = result.packages.length ? `: ${result.packages.join(', ')}` : '';
    return {
      code: 1,
      line: `npm audit: ${result.high} high, ${result.critical} critical advisories in runtime dependencies${which}`,
    };
  }
  return { code: 0, line: 'npm audit: no high or critical advisory in runtime dependencies' };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const result = run.error
    ? { status: 'unchecked', high: 0, critical: 0, packages: [], reason: run.error.message }
    : readAuditReport(run.stdout ?? '');
  const { code, line } = auditVerdict(result, process.env.AUDIT_REQUIRED === '1');
  (code === 0 && result.status === 'ok' ? console.log : console.error)(
    result.status === 'unchecked' ? `\n!!! ${line} !!!\n` : line,
  );
  process.exit(code);
}

/**
 * scripts/audit.mjs (run by .ci/run after npm ci) read against recorded `npm audit --json` outputs
 * (test/fixtures/npm-audit: npm 10/11's report format, and the error shapes of an endpoint that
 * cannot answer, including this machine's proxy answering 405). npm itself is not mocked: the
 * parsing and the verdict are pure functions of its output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditVerdict, readAuditReport } from '../../scripts/audit.mjs';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/npm-audit/${name}`, import.meta.url), 'utf8');

describe('readAuditReport', () => {
  it('a clean report: ok', () => {
    expect(readAuditReport(fixture('clean.json'))).toEqual({
      status: 'ok',
      high: 0,
      critical: 0,
      packages: [],
      reason: '',
    });
  });

  it('moderate advisories only: ok (the bar is high)', () => {
    expect(readAuditReport(fixture('moderate-only.json')).status).toBe('ok');
  });

  it('a high advisory: vulnerable, named; the moderate one is not listed', () => {
    expect(readAuditReport(fixture('high-and-moderate.json'))).toEqual({
      status: 'vulnerable',
      high: 1,
      critical: 0,
      packages: ['ws (high)'],
      reason: '',
    });
  });

  it('a critical advisory: vulnerable', () => {
    const r = readAuditReport(fixture('critical.json'));
    expect([r.status, r.high, r.critical, r.packages]).toEqual([
      'vulnerable',
      0,
      1,
      ['form-data (critical)'],
    ]);
  });

  it.each([
    ['registry-405.json', /^405 Method Not Allowed - POST https:\/\/registry\.npmjs\.org\//],
    ['enoaudit.json', /^ENOAUDIT: Your configured registry .* does not support audit requests/],
  ])('%s: unchecked, with the reason', (name, reason) => {
    const r = readAuditReport(fixture(name));
    expect(r.status).toBe('unchecked');
    expect(r.reason).toMatch(reason);
  });

  it.each([
    ['', 'no output'],
    ['npm ERR! network timeout', 'not JSON: npm ERR! network timeout'],
    ['{}', 'no vulnerability counts in the report'],
  ])('output %j: unchecked (%s)', (stdout, reason) => {
    expect(readAuditReport(stdout)).toMatchObject({ status: 'unchecked', reason });
  });
});

describe('auditVerdict', () => {
  const read = (name: string) => readAuditReport(fixture(name));

  it('high/critical fail CI whatever AUDIT_REQUIRED says', () => {
    for (const required of [false, true]) {
      const v = auditVerdict(read('high-and-moderate.json'), required);
      expect(v.code).toBe(1);
      expect(v.line).toBe(
        'npm audit: 1 high, 0 critical advisories in runtime dependencies: ws (high)',
      );
    }
  });

  it('an unreachable endpoint: a loud NOT CHECKED line, exit 0; AUDIT_REQUIRED=1 fails', () => {
    const relaxed = auditVerdict(read('registry-405.json'), false);
    expect(relaxed.code).toBe(0);
    expect(relaxed.line).toMatch(/^npm audit NOT CHECKED: 405 Method Not Allowed/);
    const strict = auditVerdict(read('registry-405.json'), true);
    expect(strict.code).toBe(1);
    expect(strict.line).toMatch(/NOT CHECKED: .*AUDIT_REQUIRED=1: failing/);
  });

  it('clean: exit 0', () => {
    expect(auditVerdict(read('clean.json'), true)).toEqual({
      code: 0,
      line: 'npm audit: no high or critical advisory in runtime dependencies',
    });
  });
});

/** Types of scripts/audit.mjs for the tests that import it. */
export interface AuditReading {
  status: 'ok' | 'vulnerable' | 'unchecked';
  high: number;
  critical: number;
  packages: string[];
  reason: string;
}
export function readAuditReport(stdout: string): AuditReading;
export function auditVerdict(
  result: AuditReading,
  required: boolean,
): { code: number; line: string };

/**
 * A Vitest reporter for scripts/flake.mjs: writes every failed test (file, full name, the first
 * line of its error message), the passed count and unhandled errors to $FLAKE_REPORT. Vitest's
 * JSON reporter keeps `stack || message`, and a WebKit stack has no message line in it, so its
 * failures read as `_AssertionError@http://…` there; this keeps the message.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

type Failure = { test: string; error: string };
type Err = { message?: unknown; name?: unknown; stack?: unknown } | undefined;

function firstLine(error: Err): string {
  const name = typeof error?.name === 'string' ? error.name : 'Error';
  const text = typeof error?.message === 'string' && error.message ? error.message : error?.stack;
  const line = String(text ?? '(no message)')
    .split('\n')
    .find((l) => l.trim());
  return `${name}: ${line?.trim() ?? ''}`.slice(0, 300);
}

export default class FlakeReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    const failures: Failure[] = [];
    let passed = 0;
    for (const module of modules) {
      const file = relative(process.cwd(), module.moduleId);
      let failed = 0;
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        if (result.state !== 'failed') continue;
        failed++;
        failures.push({ test: `${file} > ${test.fullName}`, error: firstLine(result.errors?.[0]) });
      }
      // A file that failed outside its tests (import, hooks) has no failed test to show for it.
      if (module.state() === 'failed' && failed === 0)
        failures.push({ test: `${file} (file)`, error: firstLine(module.errors()[0] as Err) });
    }
    for (const error of errors)
      failures.push({ test: '(unhandled error)', error: firstLine(error as Err) });
    writeFileSync(
      process.env.FLAKE_REPORT ?? '.flake-report.json',
      JSON.stringify({ passed, failures }),
    );
  }
}

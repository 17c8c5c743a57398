/**
 * A Vitest reporter that prints test counts per project and browser engine, then the plain
 * "N passed, N failed" line CI reads (Vitest's own summary is not one it recognises).
 * It also writes the counts to $VITEST_COUNTS_FILE (default .vitest-results.json) for
 * scripts/test.mjs, which runs the projects in phases and adds them up.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

type Counts = { passed: number; failed: number; skipped: number };

export default class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    const per = new Map<string, Counts>();
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of modules) {
      const key = module.project.name;
      const c = per.get(key) ?? { passed: 0, failed: 0, skipped: 0 };
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const bucket = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        c[bucket]++;
        total[bucket]++;
      }
      // A file that failed to load has no tests but must count as a failure.
      if (module.state() === 'failed' && c.failed === 0 && !module.children.size) {
        c.failed++;
        total.failed++;
      }
      per.set(key, c);
    }
    const lines = ['', 'Tests per project / engine:'];
    for (const [key, c] of [...per].sort())
      lines.push(
        `  ${key.padEnd(22)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`,
      );
    if (errors.length) lines.push(`  unhandled errors: ${errors.length}`);
    console.log(lines.join('\n'));
    writeFileSync(
      process.env.VITEST_COUNTS_FILE ?? '.vitest-results.json',
      JSON.stringify({
        total,
        perProject: Object.fromEntries(per),
        unhandledErrors: errors.length,
      }),
    );
  }
}

/**
 * Competing CPU load for the benches: `count` Node processes that spin until stopped, at the
 * bench's own priority (a user's other apps do not yield to the browser either). Bounded on
 * every path: stop() kills them, so does this process's exit (a failed or interrupted bench),
 * and each one ends by itself after `maxMs` should both be missed (SIGKILL of the bench).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface BusyLoad {
  readonly count: number;
  /** Kills every busy process and waits until they are gone. */
  stop(): Promise<void>;
}

/** Default load: three spinning processes per core (load average ≈ 3 × cores). */
export const DEFAULT_BUSY = 3 * availableParallelism();

export function startBusy(count: number, maxMs = 120_000): BusyLoad {
  const spin = `const end = Date.now() + ${maxMs}; while (Date.now() < end);`;
  const children: ChildProcess[] = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }),
  );
  const kill = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', kill);
  return {
    count,
    async stop() {
      const gone = children.map((c) =>
        c.exitCode !== null || c.signalCode !== null
          ? Promise.resolve()
          : new Promise<void>((resolve) => c.once('exit', () => resolve())),
      );
      kill();
      await Promise.all(gone);
      process.off('exit', kill);
    },
  };
}

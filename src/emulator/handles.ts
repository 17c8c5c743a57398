/**
 * Session resumption handles. A handle names a snapshot of the conversation taken after a turn;
 * a new connection whose setup carries it gets that history back. Handles stay valid for
 * `handleTtlMs` (Google documents two hours) and may be used more than once.
 */
import { randomBytes } from 'node:crypto';
import type { AgentSnapshot } from './agent.ts';

interface Entry {
  snapshot: AgentSnapshot;
  expiresAt: number;
}

/** Issues and resolves resumption handles for the whole emulator. */
export class HandleStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: () => number) {}

  /** Number of live handles. */
  get size(): number {
    return this.entries.size;
  }

  issue(snapshot: AgentSnapshot, now = Date.now()): string {
    const handle = randomBytes(18).toString('base64url');
    this.entries.set(handle, { snapshot, expiresAt: now + this.ttlMs() });
    return handle;
  }

  /** The snapshot for a handle, or undefined when unknown or expired. */
  resolve(handle: string, now = Date.now()): AgentSnapshot | undefined {
    const entry = this.entries.get(handle);
    if (!entry) return undefined;
    if (now >= entry.expiresAt) {
      this.entries.delete(handle);
      return undefined;
    }
    return structuredClone(entry.snapshot);
  }

  /** Makes a handle unusable (to test the "expired handle" path). */
  revoke(handle: string): boolean {
    return this.entries.delete(handle);
  }

  clear(): void {
    this.entries.clear();
  }
}

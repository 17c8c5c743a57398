/**
 * The session's immutable snapshot: a frozen object replaced on every change and kept identical
 * when nothing changed, so `useSyncExternalStore` and Vue `shallowRef` re-render only on change.
 */
import type { LiveAgentSnapshot } from './types.ts';

/** Holds the current snapshot and notifies subscribers, batching changes made in one step. */
export class SnapshotStore {
  private current: LiveAgentSnapshot;
  private readonly listeners = new Set<() => void>();
  private depth = 0;
  private dirty = false;

  constructor(initial: LiveAgentSnapshot) {
    this.current = Object.freeze({ ...initial });
  }

  /** The current frozen snapshot. */
  get(): LiveAgentSnapshot {
    return this.current;
  }

  /** Applies a patch; a patch that changes no field keeps the same object and notifies nobody. */
  update(patch: Partial<LiveAgentSnapshot>): void {
    let changed = false;
    for (const key of Object.keys(patch) as (keyof LiveAgentSnapshot)[]) {
      if (!Object.is(patch[key], this.current[key])) changed = true;
    }
    if (!changed) return;
    this.current = Object.freeze({ ...this.current, ...patch });
    this.dirty = true;
    if (this.depth === 0) this.flush();
  }

  /** Runs `fn` and notifies once at the end for every change it made (one message → one render). */
  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  /** Adds a change listener; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Drops every subscriber. */
  clear(): void {
    this.listeners.clear();
  }

  private flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

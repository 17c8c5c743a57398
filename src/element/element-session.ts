/**
 * The element's session lifecycle: one session at a time, built on connect from the attributes
 * and properties of that moment. A change marks it stale: it applies on the next connect from a
 * resting state, never mid-conversation. Removing the element while a session is being built
 * aborts that build (its transport and media are released, never attached).
 */
import { LiveAgentError } from '../core/errors.ts';
import { LiveAgentSession } from '../core/session.ts';
import type { LiveAgentOptions } from '../core/types.ts';
import { ACTIVE } from './element-ui.ts';
import type { SessionDeps } from './session-deps.ts';

/** What the element supplies. */
export interface SessionWiring {
  /** Session options from the attributes and properties (read before the deps load). */
  options(): LiveAgentOptions;
  deps(): Promise<SessionDeps>;
  /** Binds a new session to the element; returns what undoes it. */
  attach(session: LiveAgentSession, deps: SessionDeps): (() => void)[];
  /** The session was dropped (its listeners are gone). */
  released(): void;
}

export class ElementSession {
  current: LiveAgentSession | null = null;
  /** The mode the current session was built with. */
  mode: string | undefined;
  /** Attributes or properties changed since the current session was built. */
  stale = true;
  private creating: Promise<LiveAgentSession> | null = null;
  private generation = 0;
  private unsubscribers: (() => void)[] = [];

  constructor(private readonly wiring: SessionWiring) {}

  /** The session to connect: the current one, or a new one when stale and at rest. */
  ensure(): Promise<LiveAgentSession> {
    const existing = this.current;
    if (existing && (!this.stale || ACTIVE.has(existing.status))) return Promise.resolve(existing);
    return (this.creating ??= this.create().finally(() => (this.creating = null)));
  }

  private async create(): Promise<LiveAgentSession> {
    const options = this.wiring.options();
    const generation = ++this.generation;
    this.release();
    const deps = await this.wiring.deps();
    if (generation !== this.generation) {
      deps.transport.dispose();
      void deps.media?.close();
      throw new LiveAgentError('aborted', 'The element was removed while connecting');
    }
    const session = new LiveAgentSession(options, deps);
    this.current = session;
    this.mode = options.mode;
    this.stale = false;
    this.unsubscribers.push(...this.wiring.attach(session, deps));
    return session;
  }

  /** Drops the current session (listeners, loops, worker, microphone). */
  release(): void {
    for (const off of this.unsubscribers.splice(0)) off();
    this.current?.dispose();
    this.current = null;
    this.wiring.released();
  }

  /** The element left the page: drops the session, aborts one being built. */
  teardown(): void {
    this.generation++;
    this.release();
    this.stale = true;
  }
}

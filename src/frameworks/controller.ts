/**
 * AgentController: the framework-free part of the React hook and the Vue composable. It owns a
 * lazily built LiveAgentSession and exposes one stable store (subscribe/getSnapshot) across
 * session rebuilds. Nothing here touches a socket, microphone, worker or AudioContext until
 * connect(); building the session object itself is inert (its transport and media are lazy).
 */
import type { CreateLiveAgentOptions } from '../index.ts';
import { LiveAgentError } from '../core/errors.ts';
import type { LiveAgentSession } from '../core/session.ts';
import { initialSnapshot } from '../core/session-support.ts';
import type { VideoOptions, VideoSource } from '../core/video.ts';
import type { LiveAgentSnapshot, LiveAgentStatus, ToolDefinition } from '../core/types.ts';

/** Builds the session from the options (default: `createLiveAgent`; tests pass fakes). */
export type SessionFactory = (options: CreateLiveAgentOptions) => LiveAgentSession;

/** What the adapters render before (and without) a session: SSR and the first client render. */
export const IDLE_SNAPSHOT: LiveAgentSnapshot = Object.freeze(initialSnapshot(false));

const ACTIVE: ReadonlySet<LiveAgentStatus> = new Set(['connecting', 'connected', 'reconnecting']);
const noop = (): void => undefined;

/**
 * The options that decide the session's wire setup, as text: a change to `model`, `config`,
 * tool declarations, … rebuilds the session on the next connect. Functions (tool handlers, token
 * providers) are left out: they are always called through the latest options instead.
 */
function optionsKey(options: CreateLiveAgentOptions): string {
  return JSON.stringify(options, (_key, value: unknown) =>
    typeof value === 'function' ? undefined : value,
  );
}

export class AgentController {
  private current: LiveAgentSession | null = null;
  private builtKey = '';
  private offStore: () => void = noop;
  private readonly listeners = new Set<() => void>();
  /** Bumped by every connect/disconnect/teardown: an older connect() that fails is superseded. */
  private generation = 0;
  private latestConnect: Promise<void> = Promise.resolve();
  /** The disconnect of a dropped session; a new connect waits for it (never two sockets at once). */
  private settling: Promise<void> = Promise.resolve();
  private teardownPending = false;
  /** False once the owner is gone (unmounted, scope disposed) until it mounts again. */
  private alive = true;

  constructor(
    private readonly readOptions: () => CreateLiveAgentOptions,
    private readonly create: SessionFactory,
  ) {}

  /** The session, built on first use with the current options. */
  get session(): LiveAgentSession {
    return this.ensure(false);
  }

  /** The session if one exists (levels loops read this: they never build one). */
  get existing(): LiveAgentSession | null {
    return this.current;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): LiveAgentSnapshot => this.current?.getSnapshot() ?? IDLE_SNAPSHOT;

  readonly getServerSnapshot = (): LiveAgentSnapshot => IDLE_SNAPSHOT;

  readonly connect = (): Promise<void> => {
    const generation = ++this.generation;
    const attempt = this.settling.then(async () => {
      // Superseded, or called after the owner went away (nobody would ever dispose it).
      if (generation !== this.generation || !this.alive) return;
      const session = this.ensure(true);
      try {
        await session.connect();
      } catch (error) {
        // Superseded (a later connect, a disconnect, or the owner's unmount): resolve quietly,
        // so a StrictMode remount never surfaces as an unhandled rejection in the app's effect.
        if (generation !== this.generation || session !== this.current) return;
        throw error;
      }
    });
    this.latestConnect = attempt;
    return attempt.then(() => {
      // A later connect() took over: follow it, its own caller sees its errors.
      if (generation !== this.generation && this.latestConnect !== attempt)
        return this.latestConnect.catch(noop);
    });
  };

  readonly disconnect = async (): Promise<void> => {
    this.generation++;
    const session = this.current;
    if (!session) return;
    const done = session.disconnect();
    this.settling = done.catch(noop);
    await done;
  };

  readonly sendText = (text: string): void => {
    if (!this.current)
      throw new LiveAgentError('not-connected', 'Call connect() before sendText()');
    this.current.sendText(text);
  };

  readonly setMicEnabled = (enabled: boolean): void => {
    this.ensure(false).setMicEnabled(enabled);
  };

  /** Camera or screen frames (or a switch of source); rejects with a MediaError. */
  readonly startVideo = (source: VideoSource, options?: VideoOptions): Promise<void> =>
    this.ensure(false).startVideo(source, options);

  /** Stops video (no-op without a session). */
  readonly stopVideo = (): void => {
    this.current?.stopVideo();
  };

  readonly resumeAudio = async (): Promise<void> => {
    await this.current?.resumeAudio();
  };

  /** The owner mounted (again): cancels a teardown scheduled by a StrictMode unmount. */
  mount(): void {
    this.teardownPending = false;
    this.alive = true;
  }

  /**
   * The owner unmounted. Teardown waits a microtask: StrictMode unmounts and remounts in the same
   * task, and that remount keeps the session (and the connect() already under way).
   */
  unmount(): void {
    this.teardownPending = true;
    queueMicrotask(() => {
      if (this.teardownPending) this.teardown();
    });
  }

  /** Disconnects and disposes the session now; a later connect() builds a new one. */
  teardown(): void {
    this.teardownPending = false;
    this.alive = false;
    this.generation++;
    this.drop();
  }

  private ensure(forConnect: boolean): LiveAgentSession {
    const options = this.readOptions();
    const key = optionsKey(options);
    const session = this.current;
    // Changed model/config/tools apply on the next connect from a resting state.
    if (session && forConnect && key !== this.builtKey && !ACTIVE.has(session.status)) this.drop();
    return this.current ?? this.build(options, key);
  }

  private build(options: CreateLiveAgentOptions, key: string): LiveAgentSession {
    const latest = this.readOptions;
    // Handlers are looked up at call time: a tool never runs a closure from an older render.
    const tools = options.tools?.map((tool): ToolDefinition =>
      tool.handler
        ? {
            ...tool,
            handler: (args, ctx) => {
              const now = latest().tools?.find((t) => t.name === tool.name)?.handler;
              return (now ?? tool.handler!)(args, ctx);
            },
          }
        : tool,
    );
    const first = options.token;
    const token =
      typeof first === 'function'
        ? () => {
            const now = latest().token;
            return (typeof now === 'function' ? now : first)();
          }
        : first;
    const session = this.create({ ...options, token, ...(tools ? { tools } : {}) });
    this.current = session;
    this.builtKey = key;
    this.offStore = session.subscribe(this.notify);
    this.notify();
    return session;
  }

  private drop(): void {
    const session = this.current;
    if (!session) return;
    this.offStore();
    this.current = null;
    this.settling = session
      .disconnect()
      .catch(noop)
      .then(() => session.dispose());
    this.notify();
  }

  private readonly notify = (): void => {
    for (const listener of [...this.listeners]) listener();
  };
}

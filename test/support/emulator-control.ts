/**
 * Browser-side client of the control API (control-server.ts): each test creates its own
 * emulator, scripts it and reads what it received, from inside any engine.
 *
 *   const emu = await startEmulator({ connectionLifetimeMs: 3000 });
 *   const token = await emu.mintToken();              // 'auth_tokens/…'
 *   … connect the SDK to emu.url …
 *   const s = await emu.waitSession();                // the next session that connected
 *   await s.send({ serverContent: { interrupted: true } });
 *   const frames = await s.received();                // audio data replaced by {bytes, rms}
 *   await emu.close();
 */
import { inject } from 'vitest';
import type { EmulatorOptions, IssuedToken, TokenRequest } from '../../src/emulator/index.ts';
import type { ServerMessage } from '../../src/core/wire.ts';

async function call<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(inject('controlUrl') + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const value = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`control ${path}: ${value.error ?? res.status}`);
  return value;
}

/** A received frame; `realtimeInput.audio|video.data` is replaced by `bytes` (and audio `rms`). */
export interface ReceivedFrame {
  at: number;
  binary: boolean;
  message: Record<string, any> | undefined;
}

export interface SessionInfo {
  index: number;
  id: string;
  open: boolean;
  route: { path: string; apiVersion: string; method: string };
  credentialKind: 'apiKey' | 'token';
  token?: string;
  setup?: Record<string, any>;
  clientSetup?: Record<string, any>;
  resumedFrom?: string;
  closeInfo?: { code: number; reason: string; by: 'server' | 'client' };
  received: number;
  videoFrames: number;
  lastVideo?: { mimeType: string; bytes: number; width: number; height: number };
  pendingToolCalls: string[];
}

export class SessionControl {
  constructor(
    private readonly base: string,
    readonly index: number,
  ) {}
  private path(action: string) {
    return `${this.base}/sessions/${this.index}/${action}`;
  }
  info = () => call<SessionInfo>(this.path('info'));
  /**
   * The info once the client's setup frame has arrived. waitSession() resolves at the WebSocket
   * upgrade, before the client sends setup, so `clientSetup` and `resumedFrom` read through
   * info() right after it are racy (under load they were still unset: a "lost" handle).
   */
  setupInfo = async () => {
    await this.waitMessage('setup');
    return this.info();
  };
  received = (since = 0) => call<ReceivedFrame[]>(this.path(`received?since=${since}`));
  sent = (since = 0) => call<ReceivedFrame[]>(this.path(`sent?since=${since}`));
  send = (message: ServerMessage) => call<boolean>(this.path('send'), { message });
  sendRaw = (data: string, binary?: boolean) =>
    call<boolean>(this.path('send-raw'), { data, binary });
  /** Sends frames in order; `bytes` frames carry base64 of raw bytes. Resolves with the count sent. */
  sendFrames = (frames: { data: string; bytes?: boolean; binary?: boolean }[]) =>
    call<number>(this.path('send-frames'), { frames });
  close = (code: number, reason = '') => call<unknown>(this.path('close'), { code, reason });
  drop = () => call<unknown>(this.path('drop'), {});
  /** The network under the session: throttle reads (0 stops them), stall both ways, or resume. */
  link = (change: { readBytesPerSecond?: number | null; stall?: boolean; resume?: boolean }) =>
    call<{ readBytesPerSecond: number | null; writesStalled: boolean }>(this.path('link'), change);
  /** The first PCM sample of every 20 ms (640-byte) block of audio received, in order. */
  audioMarks = () => call<number[]>(this.path('audio-marks'));
  goAway = (timeLeftMs: number, close = true) =>
    call<unknown>(this.path('go-away'), { timeLeftMs, close });
  say = (text: string) => call<unknown>(this.path('say'), { text });
  interrupt = () => call<boolean>(this.path('interrupt'), {});
  callTool = (name: string, args: Record<string, unknown> = {}) =>
    call<Record<string, unknown>>(this.path('call-tool'), { name, args });
  cancelToolCalls = (ids?: string[]) => call<string[]>(this.path('cancel-tool-calls'), { ids });
  /** Resolves with the first client message (past or future) that has this top-level key. */
  waitMessage = (key: string, timeoutMs = 5000) =>
    call<Record<string, any>>(this.path('wait-message'), { key, timeoutMs });
}

export class EmulatorControl {
  constructor(
    readonly id: string,
    /** Base URL for the SDK's `endpoint`. */
    readonly url: string,
  ) {}
  private get base() {
    return `/emulators/${this.id}`;
  }
  /** A token endpoint like an app server's (`POST` → `{token}`); `mode` simulates failures. */
  tokenUrl(mode?: 'down' | 'api-key' | 'auth-token'): string {
    return `${inject('controlUrl')}${this.base}/token-endpoint${mode ? `?mode=${mode}` : ''}`;
  }
  async mintToken(request: TokenRequest = {}): Promise<string> {
    return (await call<IssuedToken>(`${this.base}/token`, request)).name;
  }
  tokens = () => call<IssuedToken[]>(`${this.base}/tokens`);
  /**
   * How the token endpoint answers its next requests, one entry each: 'ok', 'error' (500),
   * 'slow:MS' (answers after MS) or 'hang' (never answers); then normally again.
   */
  tokenPlan = (plan: string[]) => call<boolean>(`${this.base}/token-plan`, { plan });
  settings = (patch: Partial<EmulatorOptions>) => call<unknown>(`${this.base}/settings`, patch);
  sessions = () => call<SessionInfo[]>(`${this.base}/sessions`);
  /** The next session that connected (oldest first, each returned once). */
  async waitSession(timeoutMs = 10_000): Promise<SessionControl> {
    const info = await call<SessionInfo>(`${this.base}/wait-session`, { timeoutMs });
    return new SessionControl(this.base, info.index);
  }
  session = (index: number) => new SessionControl(this.base, index);
  close = () => call<boolean>(`${this.base}/close`, {});
  /** Starts (once) the emulator's ADK mode: `/run_live` and the session REST routes → its URL. */
  adkUrl = async (options: { allowOrigins?: string[] } = {}) =>
    (await call<{ url: string }>(`${this.base}/adk`, options)).url;
}

/** google-adk's real `adk api_server` (python/.venv) on a TLS emulator, allowing `origin`. */
export async function startRealAdk(origin: string, guarded = false) {
  const { id, url } = await call<{ id: string; url: string }>('/real-adk', { origin, guarded });
  return { url, close: () => call<boolean>(`/real-adk/${id}/close`, {}) };
}

/** Starts a fresh emulator for one test (tones for speech unless `speech` says otherwise). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorControl> {
  const { id, url } = await call<{ id: string; url: string }>('/emulators', options);
  return new EmulatorControl(id, url);
}

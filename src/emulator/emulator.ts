/**
 * The emulator process object: one HTTP server on loopback that serves the REST routes and
 * upgrades the Live WebSocket paths (both `/ws/…` and @google/genai's `//ws/…`), shared token and
 * handle stores, global scripting, and session bookkeeping for tests.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { rm } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { dirname } from 'node:path';
import { WebSocketServer } from 'ws';
import { HandleStore } from './handles.ts';
import { handleHttp, parseTarget, routesHint, validApiKey, WS_PATH } from './http.ts';
import { Script } from './script.ts';
import { EmulatorSession } from './session.ts';
import { hasEspeak } from './speech.ts';
import { selfSignedCertificate, type TlsMaterial } from './tls.ts';
import { TokenStore } from './tokens.ts';
import type {
  CloseInfo,
  EmulatorOptions,
  EmulatorSettings,
  IssuedToken,
  SessionCredential,
  TokenRequest,
} from './types.ts';

/** Events of the emulator, for `emulator.on(...)`. */
export interface EmulatorEvents {
  /** A WebSocket connected (before its setup arrives). */
  session: [session: EmulatorSession];
  /** A session's socket closed. */
  sessionClosed: [session: EmulatorSession, info: CloseInfo];
  /** A token was minted over REST or with `createToken`. */
  token: [token: IssuedToken];
}

const UNREGISTERED =
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key.";
const BAD_KEY = 'API key not valid. Please pass a valid API key.';

/** A running Gemini Live emulator. */
export class Emulator extends EventEmitter<EmulatorEvents> {
  /** Runtime settings; changes apply to sessions that connect afterwards. */
  readonly settings: EmulatorSettings;
  /** Scripted rules for every session (session rules run first). */
  readonly script = new Script();
  /** Every session since start or the last `reset()`, open or closed, in connect order. */
  readonly allSessions: EmulatorSession[] = [];
  private readonly tokenStore = new TokenStore();
  private readonly handles: HandleStore;
  private readonly live = new Set<EmulatorSession>();
  private unclaimed: EmulatorSession[] = [];
  private waiters: ((s: EmulatorSession) => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 << 20 });
  private readonly server: Server;
  private address: AddressInfo | undefined;
  private readonly tls: TlsMaterial | undefined;

  /** @internal Use {@link createEmulator}. */
  constructor(settings: EmulatorSettings, tls?: TlsMaterial) {
    super();
    this.settings = settings;
    this.tls = tls;
    this.handles = new HandleStore(() => this.settings.handleTtlMs);
    const startedAt = Date.now();
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const ctx = {
        settings: this.settings,
        tokens: this.tokenStore,
        liveSessions: () => this.live.size,
        startedAt,
        onToken: (t: IssuedToken) => this.onToken(t),
      };
      handleHttp(ctx, req, res).catch((e: Error) => {
        this.settings.log(`[emulator] http error: ${e.message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    };
    this.server = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler)
      : createServer(handler);
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  /**
   * Base URL (`http://127.0.0.1:PORT`, `https://` with `tls`): @google/genai
   * `httpOptions.baseUrl`, SDK `endpoint`.
   */
  get url(): string {
    const a = this.requireAddress();
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.tls ? 'https' : 'http'}://${host}:${a.port}`;
  }
  /** PEM certificate of a `tls` emulator (trust it as a CA in clients). */
  get certificate(): string | undefined {
    return this.tls?.cert;
  }
  /** File holding {@link certificate} when the emulator generated it (`SSL_CERT_FILE` for Python). */
  get certificatePath(): string | undefined {
    return this.tls?.certPath;
  }
  /** The same base as `ws://` (`wss://`) for raw WebSocket clients. */
  get wsUrl(): string {
    return this.url.replace(/^http/, 'ws');
  }
  get port(): number {
    return this.requireAddress().port;
  }
  /** Sessions whose socket is still open. */
  get sessions(): EmulatorSession[] {
    return [...this.live];
  }
  /** Tokens issued since start or the last `reset()`, by name (`auth_tokens/…`). */
  get tokens(): ReadonlyMap<string, IssuedToken> {
    return this.tokenStore.all;
  }

  /** Mints an ephemeral token without HTTP (same rules and defaults as `POST auth_tokens`). */
  createToken(request: TokenRequest = {}): IssuedToken {
    const token = this.tokenStore.create(structuredClone(request));
    this.onToken(token);
    return token;
  }

  /** Makes a resumption handle unusable (to test the expired-handle path). */
  revokeHandle(handle: string): boolean {
    return this.handles.revoke(handle);
  }

  /**
   * Resolves with the oldest session not yet returned by an earlier call, waiting for one if
   * needed; so a test can connect first and ask afterwards without a race.
   */
  waitForSession(options: { timeoutMs?: number } = {}): Promise<EmulatorSession> {
    const ready = this.unclaimed.shift();
    if (ready) return Promise.resolve(ready);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const waiter = (s: EmulatorSession): void => {
        clearTimeout(timer);
        resolve(s);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no emulator session within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Closes live sessions (1001), forgets sessions, tokens, handles and global scripts. */
  reset(): void {
    for (const s of this.live) s.close(1001, 'Emulator reset.');
    this.allSessions.length = 0;
    this.unclaimed = [];
    this.tokenStore.clear();
    this.handles.clear();
    this.script.clear();
  }

  /** Stops listening and terminates every connection. */
  async close(): Promise<void> {
    for (const s of this.live) s.drop();
    // Sockets mid-handshake or mid-close are not in `live`: terminate them too, or close() waits.
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    // A generated certificate lives only as long as its emulator.
    if (this.tls?.certPath) await rm(dirname(this.tls.certPath), { recursive: true, force: true });
  }

  /** @internal */
  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
  }

  private requireAddress(): AddressInfo {
    if (!this.address) throw new Error('emulator is not listening');
    return this.address;
  }

  private onToken(token: IssuedToken): void {
    this.settings.log(`[emulator] token ${token.name.slice(0, 20)}… uses=${token.uses}`);
    this.emit('token', token);
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const { path, url } = parseTarget(req.url);
    const m = WS_PATH.exec(path);
    if (!m) {
      const body = `No WebSocket route ${path}. ${routesHint()}`;
      this.settings.log(`[emulator] 404 upgrade ${path}`);
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const apiVersion = m[1] ?? 'v1beta';
    const method = m[2] === 'BidiGenerateContentConstrained' ? m[2] : 'BidiGenerateContent';
    // The Python client sends an ephemeral token as `Authorization: Token auth_tokens/…` instead.
    const headerToken = /^Token\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const accessToken = url.searchParams.get('access_token') ?? headerToken;
    const header = req.headers['x-goog-api-key'];
    const key = url.searchParams.get('key') ?? (Array.isArray(header) ? header[0] : header);
    const credential: SessionCredential = accessToken
      ? { kind: 'token', value: accessToken }
      : { kind: 'apiKey', value: key ?? '' };
    // Auth failures are reported as a 1008 close after the upgrade, as Google does.
    let authError: string | undefined;
    let token: IssuedToken | undefined;
    if (accessToken) {
      const check = this.tokenStore.check(accessToken);
      if (method !== 'BidiGenerateContentConstrained' || apiVersion !== 'v1alpha') {
        authError = 'Ephemeral tokens need v1alpha BidiGenerateContentConstrained.';
      } else if (!check.ok) authError = check.reason;
      else token = check.token;
    } else if (!key) authError = UNREGISTERED;
    else if (!validApiKey(this.settings, key)) authError = BAD_KEY;

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new EmulatorSession(ws, {
        settings: {
          ...this.settings,
          audio: { ...this.settings.audio },
          vad: { ...this.settings.vad },
        },
        route: { path, apiVersion, method },
        credential,
        token,
        tokens: this.tokenStore,
        handles: this.handles,
        globalScript: this.script,
      });
      this.live.add(session);
      this.allSessions.push(session);
      session.on('close', (info) => {
        this.live.delete(session);
        this.emit('sessionClosed', session, info);
      });
      const cred = credential.kind === 'token' ? 'token' : 'api key';
      session.log(`connect ${apiVersion} ${method} (${cred})`);
      const waiter = this.waiters.shift();
      if (waiter) waiter(session);
      else this.unclaimed.push(session);
      this.emit('session', session);
      if (authError) session.fail(1008, authError, `auth: ${authError}`);
    });
  }
}

/** Resolves options into settings (the defaults live here). */
export function resolveSettings(options: EmulatorOptions = {}): EmulatorSettings {
  const log = options.log;
  return {
    apiKey: options.apiKey ?? 'emulator-key',
    // A local stand-in has no secret to protect: on loopback any non-empty key opens it, unless
    // the caller named a key (strict: only that one) or set acceptAnyKey itself.
    acceptAnyKey:
      options.acceptAnyKey ?? (options.apiKey === undefined && isLoopback(options.host)),
    binaryFrames: options.binaryFrames ?? true,
    connectionLifetimeMs: options.connectionLifetimeMs,
    videoSessionLimitMs: options.videoSessionLimitMs ?? 120_000,
    goAwayLeadMs: options.goAwayLeadMs ?? 50_000,
    responseDelayMs: options.responseDelayMs ?? 150,
    audio: { chunkMs: 80, speed: 2, burst: 1, ...options.audio },
    vad: { thresholdDb: -45, minSpeechMs: 60, silenceMs: 500, ...options.vad },
    speech: options.speech ?? (hasEspeak() ? 'espeak' : 'echo'),
    setupCompleteDelayMs: options.setupCompleteDelayMs ?? 0,
    dropSetupComplete: options.dropSetupComplete ?? false,
    models: options.models,
    audioOnlyModels: options.audioOnlyModels ?? /native-audio|^gemini-3\.8-live/,
    mediaChunksModels: options.mediaChunksModels ?? /^gemini-2\.0-flash-live/,
    toolCallEndsTurnModels: options.toolCallEndsTurnModels ?? /^gemini-2\.0-flash-live/,
    turnCompleteAfterInterrupt: options.turnCompleteAfterInterrupt ?? false,
    record: options.record ?? true,
    handleTtlMs: options.handleTtlMs ?? 2 * 3600_000,
    log: typeof log === 'function' ? log : () => undefined,
  };
}

/** True for the loopback interfaces (the default host is 127.0.0.1). */
function isLoopback(host: string | undefined): boolean {
  return host === undefined || /^(127\.|::1$|\[::1\]$|localhost$)/.test(host);
}

/** Starts an emulator on loopback; `await emulator.close()` when done. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const tls = options.tls === true ? await selfSignedCertificate() : options.tls || undefined;
  const emulator = new Emulator(resolveSettings(options), tls);
  await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return emulator;
}

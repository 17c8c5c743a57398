/**
 * A rate-limit store in Redis, for token endpoints on several instances: one sorted set per
 * client key, trimmed and counted by a Lua script so check-and-record is atomic, on Redis's own
 * clock (instances with skewed clocks still share one window). Talks RESP over `node:net` itself
 * (no client dependency), or through your client: `send: (args) => client.sendCommand(args)`
 * (node-redis) or `send: (args) => client.call(...args)` (ioredis).
 */
import type { RateLimitResult, RateLimitStore } from './rate-limit.ts';

export interface RedisRateLimitStoreOptions {
  /** `redis://[:password@]host[:port][/db]` (default `redis://127.0.0.1:6379`); unused with `send`. */
  url?: string;
  /** Sends one command through your own Redis client and resolves with its reply. */
  send?: (args: string[]) => Promise<unknown>;
  /** Key prefix (default `live-agent:rate:`). */
  prefix?: string;
  /** A command that takes longer fails (the handler then answers 503). Default 1000 ms. */
  timeoutMs?: number;
}

export interface RedisRateLimitStore extends RateLimitStore {
  /** Closes the built-in connection (no-op with `send`). */
  close(): Promise<void>;
}

const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, math.ceil((tonumber(oldest[2]) + window - now) / 1000))}
end
redis.call('ZADD', KEYS[1], now, ARGV[3] .. ':' .. now)
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}`;

/** Creates the store; the built-in connection opens on first use and reopens after a failure. */
export function createRedisRateLimitStore(
  options: RedisRateLimitStoreOptions = {},
): RedisRateLimitStore {
  const prefix = options.prefix ?? 'live-agent:rate:';
  const client = options.send ? null : new RespClient(options.url, options.timeoutMs ?? 1000);
  const send = options.send ?? ((args: string[]) => client!.command(args));
  return {
    async hit(key, windowMs, max): Promise<RateLimitResult> {
      const member = globalThis.crypto.randomUUID();
      const args = ['EVAL', SCRIPT, '1', prefix + key, String(windowMs), String(max), member];
      const reply = await send(args);
      if (!Array.isArray(reply) || reply.length !== 2) throw new Error('Unexpected Redis reply');
      return Number(reply[0]) === 1
        ? { ok: true }
        : { ok: false, retryAfterSeconds: Math.max(1, Number(reply[1])) };
    },
    async close() {
      await client?.close();
    },
  };
}

type Reply = string | number | null | Reply[] | Error;
interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}
interface SocketLike {
  write(data: string): void;
  destroy(): void;
  end(): void;
}

/** The smallest RESP2 client that can run EVAL: one socket, replies matched in order. */
class RespClient {
  private socket: Promise<SocketLike> | null = null;
  private pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private readonly url: URL;

  constructor(
    url = 'redis://127.0.0.1:6379',
    private readonly timeoutMs: number,
  ) {
    this.url = new URL(url);
  }

  async command(args: string[]): Promise<unknown> {
    const socket = await (this.socket ??= this.connect());
    return this.request(socket, args);
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (socket) (await socket.catch(() => null))?.end();
  }

  private request(socket: SocketLike, args: string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error('Redis command timed out')),
        this.timeoutMs,
      );
      this.pending.push({
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      socket.write(encode(args));
    });
  }

  private async connect(): Promise<SocketLike> {
    const net = await import('node:net');
    const socket = net.connect(Number(this.url.port || 6379), this.url.hostname || '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('Redis connection closed')));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const password = decodeURIComponent(this.url.password);
    const user = decodeURIComponent(this.url.username);
    if (password) await this.request(socket, user ? ['AUTH', user, password] : ['AUTH', password]);
    const db = this.url.pathname.slice(1);
    if (db) await this.request(socket, ['SELECT', db]);
    return socket;
  }

  /** Drops the connection: pending commands fail, the next one reconnects. */
  private fail(error: Error): void {
    const socket = this.socket;
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    for (const p of this.pending.splice(0)) p.reject(error);
    void socket?.then((s) => s.destroy()).catch(() => undefined);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const parsed = parse(this.buffer, 0);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed[1]);
      const p = this.pending.shift();
      if (!p) return this.fail(new Error('Unexpected Redis reply'));
      if (parsed[0] instanceof Error) p.reject(parsed[0]);
      else p.resolve(parsed[0]);
    }
  }
}

function encode(args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/** One RESP reply at `at`: [value, next offset], or undefined when more bytes are needed. */
function parse(buf: Buffer, at: number): [Reply, number] | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at]!)) {
    case '+':
      return [line, next];
    case '-':
      return [new Error(`Redis: ${line}`), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return undefined;
      return [buf.toString('utf8', next, next + n), next + n + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let offset = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, offset);
        if (!item) return undefined;
        items.push(item[0]);
        offset = item[1];
      }
      return [items, offset];
    }
    default:
      throw new Error('Malformed Redis reply');
  }
}

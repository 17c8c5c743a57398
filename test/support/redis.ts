/**
 * A throwaway `redis-server` for the Redis rate-limit store's tests, on a free loopback port.
 * Installs Debian's `redis-server` package when missing and we can (root + apt), like
 * scripts/ensure-browsers.mjs does for browsers; otherwise fails with what to install.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

const onPath = (cmd: string) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Makes sure `redis-server` is on PATH. */
export function ensureRedisServer(): void {
  if (onPath('redis-server')) return;
  if (process.getuid?.() !== 0 || !onPath('apt-get'))
    throw new Error(
      'These tests need redis-server. Install it (Debian: sudo apt-get install -y redis-server).',
    );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', 'redis-server'], { stdio: 'inherit', env });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
  });
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts redis-server (no persistence) on a free port and waits until it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  ensureRedisServer();
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; !(await answersPing(port)); i++) {
    if (i > 100 || child.exitCode !== null)
      throw new Error(`redis-server did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

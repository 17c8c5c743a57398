/**
 * A tiny loopback HTTP server for artifact tests: serves folders (dist/, a built app) under
 * prefixes, in-memory pages, and JSON routes; logs every request so a test can assert what a
 * page downloaded and when. Optional headers go on every response (a site-wide CSP: a worker's
 * policy comes from its own script response, not from the page that started it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** One request as the server saw it. */
export interface RequestRecord {
  method: string;
  path: string;
  at: number;
}

/** Answers one request; `body` is the request body as text. */
export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface StaticServerOptions {
  /** URL prefix (`/dist/`) → absolute folder. */
  mounts?: Record<string, string>;
  /** Headers added to every response (e.g. `Content-Security-Policy`). */
  headers?: Record<string, string>;
}

export interface StaticServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: RequestRecord[];
  /** Serves `body` at `path` (an exact path, query ignored). */
  page(path: string, body: string, contentType?: string): void;
  /** Handles `METHOD path` (e.g. `POST /api/live-token`). */
  route(methodAndPath: string, handler: Route): void;
  /** Requests whose path starts with `prefix`, optionally only those after `since` (ms). */
  requested(prefix: string, since?: number): RequestRecord[];
  close(): Promise<void>;
}

/** Sends a JSON body with a status code. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

export async function startStaticServer(options: StaticServerOptions = {}): Promise<StaticServer> {
  const mounts = Object.entries(options.mounts ?? {});
  const pages = new Map<string, { body: string; type: string }>();
  const routes = new Map<string, Route>();
  const requests: RequestRecord[] = [];

  async function serveFile(res: ServerResponse, path: string): Promise<boolean> {
    for (const [prefix, dir] of mounts) {
      if (!path.startsWith(prefix)) continue;
      const root = resolve(dir);
      const file = resolve(root, decodeURIComponent(path.slice(prefix.length)));
      // Never serve outside the mounted folder (`/dist/../package.json`).
      if (file !== root && !file.startsWith(root + sep)) return false;
      try {
        const data = await readFile(file);
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(data);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    requests.push({ method, path, at: Date.now() });
    for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = routes.get(`${method} ${path}`);
      if (route) return route(req, res, Buffer.concat(chunks).toString('utf8'));
      const page = pages.get(path);
      if (page && method === 'GET') {
        res.writeHead(200, { 'Content-Type': page.type });
        return void res.end(page.body);
      }
      void serveFile(res, path).then((served) => {
        if (served) return;
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    page(path, body, contentType = TYPES[extname(path)] ?? TYPES['.html']!) {
      pages.set(path, { body, type: contentType });
    },
    route(methodAndPath, handler) {
      routes.set(methodAndPath, handler);
    },
    requested(prefix, since = 0) {
      return requests.filter((r) => r.path.startsWith(prefix) && r.at >= since);
    },
    close() {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

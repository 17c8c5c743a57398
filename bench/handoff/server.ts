/**
 * Loopback static server for the hand-off bench: the bundled page at `/`, a snapshot of dist/ at
 * `/dist/`, and `GET /token` minting one emulator token per call (the bench counts the calls to
 * check that every new connection fetched a fresh token).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

export interface BenchServer {
  url: string;
  /** Times (Date.now()) of every /token request. */
  tokenRequests: number[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
};

export function serve(
  pageDir: string,
  distDir: string,
  mintToken: () => string,
): Promise<BenchServer> {
  const tokenRequests: number[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/token') {
      tokenRequests.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ token: mintToken() }));
      return;
    }
    const [dir, rel] = path.startsWith('/dist/')
      ? [distDir, path.slice('/dist/'.length)]
      : [pageDir, path === '/' ? 'index.html' : path.slice(1)];
    const file = join(dir, normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/`,
        tokenRequests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    }),
  );
}

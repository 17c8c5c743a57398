/**
 * Loopback HTTP for the browser benches: listen on a free 127.0.0.1 port and answer with files
 * from a directory, so each bench states only its own routes.
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
};

export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

/** Answers with the file `rel` inside `dir` (no `..` escapes), or 404. */
export function sendFile(res: ServerResponse, dir: string, rel: string): void {
  const file = join(dir, normalize(rel).replace(/^(\.\.[/\\])+/, ''));
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}

/** Serves `route(pathname, res)` on 127.0.0.1 at a free port. */
export function listenLoopback(
  route: (path: string, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const server = createServer((req, res) =>
    route(new URL(req.url ?? '/', 'http://x').pathname, res),
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    }),
  );
}

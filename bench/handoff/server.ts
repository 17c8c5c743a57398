/**
 * Loopback server for the hand-off bench: the bundled page at `/`, a snapshot of dist/ at
 * `/dist/`, and `GET /token` minting one emulator token per call (the bench counts the calls to
 * check that every new connection fetched a fresh token).
 */
import { listenLoopback, sendFile, type LoopbackServer } from '../support/loopback-server.ts';

export interface BenchServer extends LoopbackServer {
  /** Times (Date.now()) of every /token request. */
  tokenRequests: number[];
}

export async function serve(
  pageDir: string,
  distDir: string,
  mintToken: () => string,
): Promise<BenchServer> {
  const tokenRequests: number[] = [];
  const server = await listenLoopback((path, res) => {
    if (path === '/token') {
      tokenRequests.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ token: mintToken() }));
    } else if (path.startsWith('/dist/')) sendFile(res, distDir, path.slice('/dist/'.length));
    else sendFile(res, pageDir, path === '/' ? 'index.html' : path.slice(1));
  });
  return { ...server, tokenRequests };
}

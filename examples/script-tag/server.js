// server.js: ONE origin serves the page, the SDK files and the token endpoint (a Worker and the
// token-handler's default origin check both need that). `npm run build`, then:
//   node examples/script-tag/server.js        → http://127.0.0.1:3000 (PORT=… to change)
// Without GEMINI_API_KEY a local Gemini Live emulator stands in for Google.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTokenHandler, toNodeHandler } from 'live-agent/server';

const apiKey = process.env.GEMINI_API_KEY;
// The emulator accepts any API key on loopback; `baseUrl` makes the token handler mint there.
const emulator = apiKey ? null : await (await import('live-agent/emulator')).createEmulator();
const endpoint = emulator?.url ?? 'https://generativelanguage.googleapis.com';

// Stand-in for your sign-in: the page hands out a session cookie, the token endpoint wants it.
const signedIn = new Set();
const sid = (request) => /(?:^|;\s*)sid=([\w-]+)/.exec(request.headers.get('cookie') ?? '')?.[1];

const tokens = toNodeHandler(
  createTokenHandler({
    apiKey: apiKey ?? 'emulator',
    baseUrl: emulator?.url, // undefined: Google
    model: 'gemini-3.8-live',
    config: { systemInstruction: 'You are a friendly concierge. Keep answers short.' },
    authorize: (request) => signedIn.has(sid(request)), // false → 401
    rateLimit: { windowMs: 60_000, max: 10 }, // per client; 429 + Retry-After
  }),
);

// The SDK's files: dist/ of the installed package (or of this repository).
const dist = dirname(fileURLToPath(import.meta.resolve('live-agent/live-agent.iife.js')));
const pages = dirname(process.argv[1]); // the folder of the example you started

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/api/live-token') return tokens(req, res); // only this path mints
  try {
    if (path.startsWith('/live-agent/')) {
      const body = await readFile(join(dist, basename(path))); // basename: no ../ escapes
      return res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
    }
    if (path === '/app.js') {
      const body = await readFile(join(pages, 'app.js'));
      return res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
    }
    if (path === '/') {
      const id = randomUUID();
      signedIn.add(id);
      const html = await readFile(join(pages, 'index.html'), 'utf8');
      return res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'set-cookie': `sid=${id}; HttpOnly; SameSite=Strict; Path=/`,
        })
        .end(html.replaceAll('{{endpoint}}', endpoint));
    }
  } catch {
    // a missing file falls through to 404 (no `npm run build` yet?)
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`live-agent example: http://127.0.0.1:${server.address().port}/`);
  console.log(`  Live API: ${emulator ? `local emulator ${endpoint}` : 'Google'}`);
});

/**
 * Demo server (`npm start`): serves the demo page and the built `dist/`, and a token endpoint
 * made with live-agent/server. With GEMINI_API_KEY it mints real ephemeral tokens for Google's
 * Live API; without it, it starts the local Live emulator and mints against that.
 *   node --import tsx demo/server.ts [--port 8080] [--host 127.0.0.1] [--dist dir] [--verbose]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { transform } from 'esbuild';
import { createEmulator } from '../src/emulator/index.ts';
import { createTokenHandler, toNodeHandler } from '../src/server/index.ts';
import { bundleDemo } from './bundle.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    dist: { type: 'string', default: join(ROOT, 'dist') },
    verbose: { type: 'boolean', default: false },
  },
});
const DIST = resolve(args.dist);
const MODEL = process.env.GEMINI_MODEL ?? 'gemini-3.8-live';
const apiKey = process.env.GEMINI_API_KEY;

// Without a key the emulator stands in for Google; it accepts only its own demo key.
const emulator = apiKey
  ? null
  : await createEmulator({
      port: 0,
      apiKey: 'demo-emulator-key',
      log: args.verbose ? (line) => console.log(`  [emulator] ${line}`) : false,
    });
const endpoint = emulator?.url ?? 'https://generativelanguage.googleapis.com';
const mint = toNodeHandler(
  createTokenHandler({
    apiKey: apiKey ?? 'demo-emulator-key',
    model: MODEL,
    // Locked server-side: the page cannot switch the model or ask for text-only answers.
    config: { responseModalities: ['AUDIO' as never] },
    rateLimit: { windowMs: 60_000, max: 20 },
    ...(emulator ? { baseUrl: emulator.url } : {}),
  }),
);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

// A strict policy on purpose: the element must work without inline script or style.
const wsOrigin = new URL(endpoint);
wsOrigin.protocol = wsOrigin.protocol === 'https:' ? 'wss:' : 'ws:';
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  `connect-src 'self' ${wsOrigin.origin} ${new URL(endpoint).origin}`,
  "worker-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

let mainJs: Promise<string> | undefined;
/** The React and Vue demo pages: their HTML and their entry, bundled once on first request. */
const FRAMEWORK_DEMOS: Record<string, { html: string; entry: string; js?: Promise<string> }> = {
  react: { html: 'demo/react/index.html', entry: 'demo/react/main.tsx' },
  vue: { html: 'demo/vue/index.html', entry: 'demo/vue/main.ts' },
};

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/api/live-token') return mint(req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'text/plain', 'GET only');
  if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
  if (path === '/' || path === '/index.html') return page(res, 'demo/index.html');
  const demo = /^\/(react|vue)\/(index\.html)?$/.exec(path)?.[1];
  if (demo) return page(res, FRAMEWORK_DEMOS[demo]!.html);
  const script = /^\/demo\/(react|vue)\/(main\.js|live-agent[\w.-]*\.js)$/.exec(path);
  if (script) {
    // The bundle loads the worker and worklets from beside itself, like an app's bundler output.
    if (script[2] !== 'main.js') return file(res, join(DIST, script[2]!));
    const target = FRAMEWORK_DEMOS[script[1]!]!;
    target.js ??= bundleDemo(join(ROOT, target.entry), DIST);
    target.js.catch(() => (target.js = undefined)); // a failed build (no dist yet) is retried
    return send(res, 200, TYPES['.js']!, await target.js);
  }
  if (path === '/demo/frameworks.css') return file(res, join(ROOT, 'demo/frameworks.css'));
  if (path === '/demo/style.css') return file(res, join(ROOT, 'demo/style.css'));
  if (path === '/demo/main.js') {
    // Types only: strip them once, no bundling (the SDK is the IIFE's global).
    mainJs ??= readFile(join(ROOT, 'demo/main.ts'), 'utf8').then(
      async (source) => (await transform(source, { loader: 'ts', target: 'es2022' })).code,
    );
    return send(res, 200, TYPES['.js']!, await mainJs);
  }
  if (path.startsWith('/dist/')) {
    const target = normalize(join(DIST, decodeURIComponent(path.slice('/dist/'.length))));
    if (!target.startsWith(DIST + sep)) return send(res, 404, 'text/plain', 'Not found');
    return file(res, target);
  }
  send(res, 404, 'text/plain', 'Not found');
}

/**
 * The page with the backend filled in, so <live-agent> knows where to connect as soon as it is
 * parsed: a Talk click (or a test) can't race a config fetch and reach Google with an emulator token.
 */
async function page(res: ServerResponse, html: string): Promise<void> {
  const values: Record<string, string> = {
    endpoint,
    model: MODEL,
    emulator: String(emulator !== null),
  };
  const body = (await readFile(join(ROOT, html), 'utf8')).replace(
    /\{\{(\w+)\}\}/g,
    (_, name: string) => escapeAttribute(values[name] ?? ''),
  );
  send(res, 200, TYPES['.html']!, body);
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function file(res: ServerResponse, path: string): Promise<void> {
  try {
    const body = await readFile(path);
    send(res, 200, TYPES[extname(path)] ?? 'application/octet-stream', body);
  } catch {
    const hint = path.startsWith(DIST) ? ' (run `npm run build` first)' : '';
    send(res, 404, 'text/plain', `Not found${hint}`);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  res.end(body);
}

const server = createServer((req, res) => {
  route(req, res).catch(() => {
    if (!res.headersSent) send(res, 500, 'text/plain', 'Internal error');
  });
});
server.listen(Number(args.port), args.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : args.port;
  console.log(`live-agent demo: http://${args.host}:${port}/`);
  console.log(`  React: http://${args.host}:${port}/react/  Vue: http://${args.host}:${port}/vue/`);
  console.log(
    emulator
      ? `  backend: local Live emulator ${emulator.url} (set GEMINI_API_KEY for Gemini)`
      : `  backend: Gemini Live API, model ${MODEL}`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    void emulator?.close();
    process.exit(0);
  });
}

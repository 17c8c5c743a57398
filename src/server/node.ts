/**
 * Adapter from a Fetch handler to `node:http` (also Express/Connect: `app.post(path, adapter)`).
 * Node ≥ 18 has Request/Response built in, so no framework types are involved.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientInfo } from './token-handler.ts';

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /** Largest request body read, in bytes (default 64 KiB); bigger bodies get 413. */
  maxBodyBytes?: number;
}

/** Wraps a Fetch API handler as a `node:http` request listener (it gets the socket's peer address). */
export function toNodeHandler(
  handler: (request: Request, client: ClientInfo) => Response | Promise<Response>,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  return async (req, res) => {
    try {
      const body = await readBody(req, maxBodyBytes);
      if (body === 'too-large') {
        send(
          res,
          413,
          { 'content-type': 'application/json' },
          '{"error":{"code":"too-large","message":"Body too large"}}',
        );
        return;
      }
      const remoteAddress = req.socket.remoteAddress;
      const response = await handler(toRequest(req, body), remoteAddress ? { remoteAddress } : {});
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => (headers[key] = value));
      send(res, response.status, headers, Buffer.from(await response.arrayBuffer()));
    } catch {
      // Never leak internals (stack, config) to the client.
      if (!res.headersSent) {
        send(
          res,
          500,
          { 'content-type': 'application/json' },
          '{"error":{"code":"internal","message":"Internal error"}}',
        );
      } else res.end();
    }
  };
}

function toRequest(req: IncomingMessage, body: Buffer | undefined): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const url = new URL(
    req.url ?? '/',
    `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`,
  );
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    body: body?.length ? new Uint8Array(body) : undefined,
  });
}

async function readBody(
  req: IncomingMessage,
  max: number,
): Promise<Buffer | undefined | 'too-large'> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
) {
  res.writeHead(status, headers);
  res.end(body);
}

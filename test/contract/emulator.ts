/**
 * The emulator for the Python contract suite (python/tests): starts it on a free port with the
 * vectors' API key, plus a side route that reports what the emulator recorded for a minted token
 * (the Python suite runs out of process, so it cannot read `emulator.tokens`). Prints one JSON
 * line `{"url","inspect"}` and runs until stdin closes or SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createEmulator } from '../../src/emulator/index.ts';

const vectors = JSON.parse(
  readFileSync(new URL('./token-route.vectors.json', import.meta.url), 'utf8'),
) as { keys: { good: string } };

const emulator = await createEmulator({ port: 0, apiKey: vectors.keys.good, log: false });
const inspect = createServer((req, res) => {
  const name = decodeURIComponent(
    new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? '',
  );
  const token = emulator.tokens.get(name);
  res.writeHead(token ? 200 : 404, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify(
      token
        ? {
            uses: Number.isFinite(token.uses) ? token.uses : null,
            setup: token.setup ?? null,
            fieldMask: token.fieldMask ?? null,
          }
        : { error: 'unknown token' },
    ),
  );
});
await new Promise<void>((r) => inspect.listen(0, '127.0.0.1', r));
const port = (inspect.address() as AddressInfo).port;
process.stdout.write(
  `${JSON.stringify({ url: emulator.url, inspect: `http://127.0.0.1:${port}/issued` })}\n`,
);

const stop = (): void => {
  inspect.close();
  void emulator.close().then(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.resume();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

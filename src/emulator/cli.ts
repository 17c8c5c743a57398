/**
 * `npm run emulator -- --port 8123`: runs the Gemini Live emulator until Ctrl-C, printing its base
 * URL and one line per session event. Point @google/genai (`httpOptions.baseUrl`) or the SDK's
 * `endpoint` at the printed URL.
 */
import { parseArgs } from 'node:util';
import { createEmulator } from './emulator.ts';
import { routesHint } from './http.ts';
import type { EmulatorOptions, SpeechMode } from './types.ts';

const HELP = `Gemini Live emulator

Usage: npm run emulator -- [options]

  --port N             TCP port (default 8123; 0 = any free port)
  --host H             interface to bind (default 127.0.0.1)
  --api-key K          strict: accept only this API key (default on loopback: any key)
  --any-key            accept any non-empty API key (also off loopback)
  --tls                serve https:// and wss:// with a self-signed certificate made at start
                       (its path is printed; Python clients: SSL_CERT_FILE=<path>)
  --text-frames        send JSON as text frames (Google sends binary)
  --lifetime S         connection lifetime in seconds (goAway, then close 1011)
  --go-away-lead S     seconds between goAway and the cut (default 50)
  --speech MODE        espeak | echo | tone (default espeak when installed, else echo)
  --delay MS           think time before each reply (default 150)
  --chunk-ms MS        reply audio per chunk (default 80)
  --speed X            reply audio speed vs real time (default 2; "max" = no pacing)
  --burst N            chunks per burst (default 1)
  --silence-ms MS      trailing silence that ends a user turn (default 500)
  --quiet              no per-session log
  -h, --help           this text
`;

function main(): Promise<void> | void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      tls: { type: 'boolean' },
      'any-key': { type: 'boolean' },
      'text-frames': { type: 'boolean' },
      lifetime: { type: 'string' },
      'go-away-lead': { type: 'string' },
      speech: { type: 'string' },
      delay: { type: 'string' },
      'chunk-ms': { type: 'string' },
      speed: { type: 'string' },
      burst: { type: 'string' },
      'silence-ms': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number`);
    return n;
  };
  const speech = values.speech as SpeechMode | undefined;
  if (speech && !['espeak', 'echo', 'tone'].includes(speech)) {
    throw new Error('--speech must be espeak, echo or tone');
  }
  const lifetime = num('lifetime', values.lifetime);
  const lead = num('go-away-lead', values['go-away-lead']);
  const options: EmulatorOptions = {
    port: num('port', values.port) ?? 8123,
    host: values.host,
    apiKey: values['api-key'],
    acceptAnyKey: values['any-key'],
    tls: values.tls,
    binaryFrames: !values['text-frames'],
    connectionLifetimeMs: lifetime === undefined ? undefined : lifetime * 1000,
    goAwayLeadMs: lead === undefined ? undefined : lead * 1000,
    speech,
    responseDelayMs: num('delay', values.delay),
    audio: {
      ...(values['chunk-ms'] ? { chunkMs: num('chunk-ms', values['chunk-ms']) } : {}),
      ...(values.speed
        ? { speed: values.speed === 'max' ? Infinity : num('speed', values.speed) }
        : {}),
      ...(values.burst ? { burst: num('burst', values.burst) } : {}),
    },
    vad: values['silence-ms'] ? { silenceMs: num('silence-ms', values['silence-ms']) } : {},
    // The CLI is for long interactive sessions: do not keep every audio frame in memory.
    record: false,
    log: values.quiet
      ? false
      : (line) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`),
  };
  return createEmulator(options).then((emulator) => {
    const s = emulator.settings;
    console.log(`Gemini Live emulator listening on ${emulator.url}`);
    console.log(`  API key: ${s.acceptAnyKey ? '(any)' : s.apiKey}   speech: ${s.speech}`);
    if (emulator.certificatePath) {
      console.log(`  TLS certificate (self-signed): ${emulator.certificatePath}`);
    }
    console.log(`  ${routesHint()}`);
    emulator.on('session', (session) => {
      session.on('turn', (t) => session.log(`user ${t.kind}: ${t.text}`));
      session.on('reply', (r) => session.log(`agent: ${r.text}`));
      session.on('interrupted', () => session.log('interrupted (barge-in)'));
    });
    const stop = (): void => {
      console.log('stopping');
      void emulator.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

try {
  await main();
} catch (e) {
  console.error(`emulator: ${(e as Error).message}`);
  process.exit(1);
}

/**
 * An HTTP JSON API that lets browser tests create and script their own emulators (one per test,
 * so tests in three engines never share state). Browser side: emulator-control.ts.
 * Loopback only; CORS open because the test page is served from another port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorSession,
} from '../../src/emulator/index.ts';
import { decodeBase64 } from '../../src/dsp/index.ts';
import { startAdkEmulator, type AdkEmulator } from '../../src/emulator/adk.ts';
import { startRealAdk, type RealAdk } from './real-adk.ts';

/** ADK fronts started for an emulator (closed with it). */
const adkFronts = new Map<Emulator, AdkEmulator>();
/** Per emulator: how its token endpoint answers the next requests ('ok', 'error', 'slow:MS', 'hang'). */
const tokenPlans = new Map<Emulator, string[]>();

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

type Handler = (args: {
  emulator: Emulator;
  session: EmulatorSession | undefined;
  body: Record<string, unknown>;
  query: URLSearchParams;
}) => unknown;

/** Frames as JSON, with audio/video payloads replaced by their decoded byte count (small replies). */
function strip(frames: EmulatorSession['received'], since: number) {
  return frames.slice(since).map((f) => {
    const input = (f.message as { realtimeInput?: Record<string, { data?: string }> } | undefined)
      ?.realtimeInput;
    const media = input?.audio ?? input?.video;
    if (!media?.data) return { at: f.at, binary: f.binary, message: f.message };
    const bytes = decodeBase64(media.data).length;
    const kind = input?.audio ? 'audio' : 'video';
    const rms = kind === 'audio' ? pcmRms(media.data) : undefined;
    const message = { realtimeInput: { [kind]: { ...media, data: undefined, bytes, rms } } };
    return { at: f.at, binary: f.binary, message };
  });
}

function pcmRms(b64: string): number {
  const bytes = decodeBase64(b64);
  const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  let sum = 0;
  for (const v of pcm) sum += (v / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

function sessionInfo(s: EmulatorSession, index: number) {
  return {
    index,
    id: s.id,
    open: s.open,
    route: s.route,
    credentialKind: s.credential.kind,
    token: s.token?.name,
    setup: s.setup,
    clientSetup: s.clientSetup,
    resumedFrom: s.resumedFrom,
    closeInfo: s.closeInfo,
    received: s.received.length,
    videoFrames: s.videoFrames,
    lastVideo: s.lastVideo,
    pendingToolCalls: s.pendingToolCalls,
  };
}

const sessionActions: Record<string, Handler> = {
  info: ({ emulator, session }) => sessionInfo(session!, emulator.allSessions.indexOf(session!)),
  received: ({ session, query }) => strip(session!.received, Number(query.get('since') ?? 0)),
  sent: ({ session, query }) => session!.sent.slice(Number(query.get('since') ?? 0)),
  send: ({ session, body }) => session!.send(body.message as never),
  'send-raw': ({ session, body }) =>
    session!.sendRaw(String(body.data), { binary: body.binary as boolean | undefined }),
  // A batch of raw frames in order (fuzzing): `bytes` frames carry base64 of arbitrary bytes.
  'send-frames': ({ session, body }) => {
    let sent = 0;
    for (const f of body.frames as { data: string; bytes?: boolean; binary?: boolean }[])
      if (session!.sendRaw(f.bytes ? decodeBase64(f.data) : f.data, { binary: f.binary })) sent++;
    return sent;
  },
  close: ({ session, body }) =>
    session!.close(Number(body.code ?? 1000), String(body.reason ?? '')),
  drop: ({ session }) => session!.drop(),
  // The network under the session: {readBytesPerSecond} throttles reads (0 stops them),
  // {stall: true} stops reads and writes, {resume: true} ends either.
  link: ({ session, body }) => {
    const link = session!.link;
    if (body.resume === true) link.resume();
    else if (body.stall === true) link.stall();
    else if (body.readBytesPerSecond !== undefined)
      link.readRate(body.readBytesPerSecond === null ? Infinity : Number(body.readBytesPerSecond));
    const state = link.state;
    return {
      ...state,
      readBytesPerSecond: Number.isFinite(state.readBytesPerSecond)
        ? state.readBytesPerSecond
        : null,
    };
  },
  // The first sample of each audio frame received (tests number their frames with it).
  'audio-marks': ({ session }) =>
    session!.received.flatMap((f) => {
      const data = (f.message as { realtimeInput?: { audio?: { data?: string } } } | undefined)
        ?.realtimeInput?.audio?.data;
      if (!data) return [];
      const bytes = decodeBase64(data);
      const marks: number[] = [];
      for (let i = 0; i + 1 < bytes.length; i += 640) marks.push(bytes[i]! | (bytes[i + 1]! << 8));
      return marks;
    }),
  'go-away': ({ session, body }) =>
    session!.goAway(Number(body.timeLeftMs), { close: body.close as boolean | undefined }),
  say: ({ session, body }) => session!.say(String(body.text)),
  interrupt: ({ session }) => session!.interrupt(),
  'call-tool': ({ session, body }) =>
    session!.callTool(String(body.name), (body.args ?? {}) as Record<string, unknown>),
  'cancel-tool-calls': ({ session, body }) =>
    session!.cancelToolCalls(body.ids as string[] | undefined),
  'wait-message': async ({ session, body }) =>
    (await session!.waitForMessage(String(body.key), { timeoutMs: Number(body.timeoutMs ?? 5000) }))
      .message,
};

const emulatorActions: Record<string, Handler> = {
  token: ({ emulator, body }) => emulator.createToken(body as never),
  settings: ({ emulator, body }) => {
    Object.assign(emulator.settings, revive(body));
    return true;
  },
  sessions: ({ emulator }) => emulator.allSessions.map((s, i) => sessionInfo(s, i)),
  'wait-session': async ({ emulator, body }) => {
    const s = await emulator.waitForSession({ timeoutMs: Number(body.timeoutMs ?? 10_000) });
    return sessionInfo(s, emulator.allSessions.indexOf(s));
  },
  tokens: ({ emulator }) => [...emulator.tokens.values()],
  // The token endpoint's next answers, one per request, then normal again.
  'token-plan': ({ emulator, body }) => {
    tokenPlans.set(emulator, [...(body.plan as string[])]);
    return true;
  },
  // ADK mode: an ADK `/run_live` + session REST front for this emulator → {url}.
  adk: async ({ emulator, body }) => {
    const front = adkFronts.get(emulator) ?? (await startAdkEmulator(emulator, body as never));
    adkFronts.set(emulator, front);
    return { url: front.url };
  },
};

export async function startControlServer(): Promise<ControlServer> {
  const emulators = new Map<string, Emulator>();
  const realAdks = new Map<string, RealAdk>();
  let next = 1;
  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => reply(res, 500, { error: e.message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') return reply(res, 204, undefined);
    const url = new URL(req.url ?? '/', 'http://x');
    const body = req.method === 'POST' ? await readJson(req) : {};
    const parts = url.pathname.split('/').filter(Boolean);
    // POST /real-adk {origin, guarded} → {id, url}: google-adk's server on a TLS emulator.
    if (parts[0] === 'real-adk' && parts.length === 1) {
      const stack = await startRealAdk(String(body.origin), body.guarded === true);
      const id = String(next++);
      realAdks.set(id, stack);
      return reply(res, 200, { id, url: stack.url });
    }
    if (parts[0] === 'real-adk' && parts[2] === 'close') {
      await realAdks.get(parts[1] ?? '')?.close();
      realAdks.delete(parts[1] ?? '');
      return reply(res, 200, true);
    }
    // POST /emulators {options} → {id, url}
    if (parts[0] === 'emulators' && parts.length === 1) {
      const emulator = await createEmulator({ speech: 'tone', ...revive(body) });
      const id = String(next++);
      emulators.set(id, emulator);
      return reply(res, 200, { id, url: emulator.url });
    }
    const emulator = emulators.get(parts[1] ?? '');
    if (parts[0] !== 'emulators' || !emulator)
      return reply(res, 404, { error: 'no such emulator' });
    // A token endpoint like an app server's: POST → {token}. Variants for failure tests.
    if (parts[2] === 'token-endpoint') {
      const planned = tokenPlans.get(emulator)?.shift();
      if (planned === 'error') return reply(res, 500, { error: 'internal error' });
      // A token service that never answers: the request hangs until the client gives up.
      if (planned === 'hang') return;
      if (planned?.startsWith('slow:')) await sleep(Number(planned.slice(5)));
      const mode = url.searchParams.get('mode');
      if (mode === 'down') return reply(res, 503, { error: 'token service unavailable' });
      if (mode === 'api-key')
        return reply(res, 200, { token: 'AIzaSyD-emulatorFakeKeyForTests0123456' });
      const token = emulator.createToken({});
      return reply(res, 200, mode === 'auth-token' ? { name: token.name } : { token: token.name });
    }
    if (parts[2] === 'close') {
      emulators.delete(parts[1]!);
      tokenPlans.delete(emulator);
      await adkFronts.get(emulator)?.close();
      adkFronts.delete(emulator);
      await emulator.close();
      return reply(res, 200, true);
    }
    if (parts[2] === 'sessions' && parts[3] !== undefined) {
      const session = emulator.allSessions[Number(parts[3])];
      const action = sessionActions[parts[4] ?? 'info'];
      if (!session || !action) return reply(res, 404, { error: 'no such session or action' });
      return reply(res, 200, await action({ emulator, session, body, query: url.searchParams }));
    }
    const action = emulatorActions[parts[2] ?? ''];
    if (!action) return reply(res, 404, { error: 'no such action' });
    return reply(
      res,
      200,
      await action({ emulator, session: undefined, body, query: url.searchParams }),
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await Promise.all([...emulators.values()].map((e) => e.close()));
      await Promise.all([...realAdks.values()].map((a) => a.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** JSON cannot carry RegExps: `{ audioOnlyModels: '^x' }` arrives as a string pattern. */
function revive(body: Record<string, unknown>): EmulatorOptions {
  const options = { ...body };
  for (const key of ['models', 'audioOnlyModels'])
    if (typeof options[key] === 'string') options[key] = new RegExp(options[key] as string);
  return options as EmulatorOptions;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
  });
  res.end(status === 204 ? '' : JSON.stringify(value ?? null));
}

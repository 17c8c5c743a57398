/**
 * The whole session in a real engine: LiveAgentSession + the worker transport (the WebSocket in a
 * module Worker) against a per-test emulator. Media is off here (the audio path has its own
 * tests); what is checked is the protocol life of a session, end to end.
 */
import { afterEach, expect, test } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import type { LiveAgentEventMap } from '../../src/core/events.ts';
import type { LiveAgentOptions } from '../../src/core/types.ts';
import { LiveAgentError } from '../../src/core/errors.ts';
import { sourceTransport } from '../support/source-deps.ts';
import type { EmulatorOptions } from '../../src/emulator/index.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let emu: EmulatorControl | undefined;
let session: LiveAgentSession | undefined;
afterEach(async () => {
  session?.dispose();
  session = undefined;
  await emu?.close();
});

async function setup(
  options: Partial<LiveAgentOptions> | ((emu: EmulatorControl) => Partial<LiveAgentOptions>) = {},
  emulator: EmulatorOptions = {},
) {
  emu = await startEmulator(emulator);
  const extra = typeof options === 'function' ? options(emu) : options;
  const s = new LiveAgentSession(
    {
      token: { url: emu.tokenUrl() },
      endpoint: emu.url,
      config: { outputAudioTranscription: {}, inputAudioTranscription: {} },
      ...extra,
    },
    { transport: sourceTransport(), media: null },
  );
  session = s;
  const events: { [K in keyof LiveAgentEventMap]?: LiveAgentEventMap[K][] } = {};
  for (const type of [
    'error',
    'resumed',
    'reconnecting',
    'toolcall',
    'toolcancel',
    'goaway',
  ] as const)
    s.on(type, (e) => ((events[type] ??= []) as unknown[]).push(e));
  return { s, emu, events };
}

async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 8000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const modelText = (s: LiveAgentSession) =>
  s
    .getSnapshot()
    .transcript.filter((t) => t.role === 'model' && t.final)
    .map((t) => t.text)
    .join(' ');

test('connects with a token from a URL and round-trips text', async () => {
  const { s, emu } = await setup();
  await s.connect();
  expect(s.status).toBe('connected');
  const live = await emu.waitSession();
  expect((await live.info()).credentialKind).toBe('token');
  s.sendText('Hello agent');
  await until('the answer', () => modelText(s).includes('You said: Hello agent'));
  const turn = await live.waitMessage('clientContent');
  expect(turn.clientContent).toEqual({
    turns: [{ role: 'user', parts: [{ text: 'Hello agent' }] }],
    turnComplete: true,
  });
});

test('a tool round trip with its call id, and a cancellation that aborts the handler', async () => {
  let aborted = false;
  const { s, emu, events } = await setup({
    tools: [
      { name: 'get_time', description: 'Time', handler: () => ({ time: '12:00' }) },
      {
        name: 'slow_lookup',
        description: 'Never finishes on its own',
        handler: (_args, { signal }) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(signal.reason);
            }),
          ),
      },
    ],
  });
  await s.connect();
  const live = await emu.waitSession();
  s.sendText('call get_time');
  await until('the tool result spoken', () => modelText(s).includes('get_time returned'));
  const response = await live.waitMessage('toolResponse');
  const call = events.toolcall![0]!.call;
  expect(response.toolResponse.functionResponses).toEqual([
    { id: call.id, name: 'get_time', response: { output: { time: '12:00' } } },
  ]);
  s.sendText('call slow_lookup');
  await until('the second call', () => events.toolcall!.length === 2);
  const pending = events.toolcall![1]!.call.id;
  expect(await live.cancelToolCalls()).toEqual([pending]);
  await until('the handler to be aborted', () => aborted);
  expect(events.toolcancel).toEqual([{ ids: [pending] }]);
  const sent = (await live.received()).filter((f) => f.message?.toolResponse);
  expect(sent).toHaveLength(1); // nothing is sent for a cancelled call
});

test('goAway: hands off to a new connection with a fresh token and the resumption handle', async () => {
  const { s, emu, events } = await setup();
  await s.connect();
  const first = await emu.waitSession();
  s.sendText('remember me'); // a completed turn makes the emulator issue a resumption handle
  await until('the answer', () => modelText(s).includes('remember me'));
  await until('a resumption handle', () => s.getSnapshot().sessionResumable);
  const sent = await first.sent();
  const handle = sent
    .map((f) => f.message?.sessionResumptionUpdate?.newHandle as string | undefined)
    .filter(Boolean)
    .at(-1);
  expect(handle).toBeTruthy();
  const statuses: string[] = [];
  s.on('status', (e) => statuses.push(e.status));
  await first.goAway(3000);
  const second = await emu.waitSession();
  const info = await second.setupInfo();
  expect(info.resumedFrom).toBe(handle);
  expect(info.clientSetup?.sessionResumption?.handle).toBe(handle);
  expect(info.token).not.toBe((await first.info()).token); // a fresh token
  await until('the hand-off', () => events.resumed?.length);
  expect(events.resumed![0]).toMatchObject({ handoff: true });
  expect(events.goaway![0]!.timeLeftMs).toBe(3000);
  const closed = await until(
    'the old connection to close',
    async () => (await first.info()).closeInfo,
  );
  expect(closed).toMatchObject({ code: 1000, by: 'client' });
  expect(statuses).not.toContain('reconnecting'); // no flicker
  expect(s.status).toBe('connected');
  s.sendText('still there?');
  await until('an answer on the new connection', () => modelText(s).includes('still there?'));
});

test('a 1011 drop reconnects and resumes with the handle', async () => {
  const { s, emu, events } = await setup({ reconnect: { baseDelayMs: 50, maxDelayMs: 200 } });
  await s.connect();
  const first = await emu.waitSession();
  s.sendText('before the drop');
  await until('the answer', () => modelText(s).includes('before the drop'));
  await until('a resumption handle', () => s.getSnapshot().sessionResumable);
  await first.close(1011, 'Internal error encountered.');
  const second = await emu.waitSession();
  expect((await second.setupInfo()).resumedFrom).toBeTruthy();
  await until('resumed', () => events.resumed?.length);
  expect(events.resumed![0]).toMatchObject({ handoff: false });
  expect(events.reconnecting![0]!.cause.code).toBe('server-error');
  expect(s.status).toBe('connected');
});

test('1008 is fatal with a typed error that carries the reason', async () => {
  const { s, emu, events } = await setup();
  await s.connect();
  const live = await emu.waitSession();
  await live.close(1008, 'Operation is not implemented, or supported, or enabled.');
  await until('the error status', () => s.status === 'error');
  const { error, fatal } = events.error![0]!;
  expect(fatal).toBe(true);
  expect(error).toBeInstanceOf(LiveAgentError);
  expect(error).toMatchObject({ code: 'auth-rejected', closeCode: 1008 });
  expect(error.message).toContain('Operation is not implemented');
  expect(events.reconnecting).toBeUndefined();
});

test('a long-lived API key from the token endpoint is refused before any socket opens', async () => {
  const { s, events } = await setup((e) => ({ token: { url: e.tokenUrl('api-key') } }));
  const error = await s.connect().catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'api-key-refused' });
  expect(String((error as Error).message)).not.toContain('AIza');
  expect(events.error![0]!.fatal).toBe(true);
  expect(await emu!.sessions()).toEqual([]);
});

test('no setupComplete → connect-timeout', async () => {
  const { s } = await setup({ connectTimeoutMs: 600 }, { dropSetupComplete: true });
  const error = await s.connect().catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'connect-timeout' });
  expect(s.status).toBe('error');
});

test('malformed and binary frames are survived; the conversation goes on', async () => {
  const { s, emu, events } = await setup();
  await s.connect();
  const live = await emu.waitSession();
  await live.sendRaw('{"serverContent": {"modelTurn": ', true); // cut-off JSON, binary frame
  await live.sendRaw('not json at all', false); // text frame
  await live.send({ serverContent: { outputTranscription: { text: 'still ' } } });
  await live.send({
    serverContent: { outputTranscription: { text: 'here' }, turnComplete: true },
    usageMetadata: { totalTokenCount: 7 },
  });
  await until('the merged transcript', () => modelText(s).includes('still here'));
  const protocolErrors = events.error!.filter((e) => e.error.code === 'protocol');
  expect(protocolErrors).toHaveLength(2);
  expect(protocolErrors.every((e) => !e.fatal)).toBe(true);
  expect(s.getSnapshot().usage.totalTokenCount).toBe(7);
  expect(s.status).toBe('connected');
});

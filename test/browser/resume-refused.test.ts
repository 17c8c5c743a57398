/**
 * A resumption handle the emulator refuses (expired, or bogus from the app's config), through the
 * real worker transport: the session goes on in a fresh session and says so with a non-fatal
 * `context-lost` error; a fresh session refused as well ends in `error`.
 */
import { afterEach, expect, test } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import type { LiveAgentEventMap } from '../../src/core/events.ts';
import type { LiveAgentOptions } from '../../src/core/types.ts';
import { ConnectionError } from '../../src/core/errors.ts';
import type { EmulatorOptions } from '../../src/emulator/index.ts';
import { sourceTransport } from '../support/source-deps.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

const REFUSED = 'Session resumption handle is invalid or expired.';
let emu: EmulatorControl | undefined;
let session: LiveAgentSession | undefined;
afterEach(async () => {
  session?.dispose();
  session = undefined;
  await emu?.close();
  emu = undefined;
});

type Seen = { [K in keyof LiveAgentEventMap]?: LiveAgentEventMap[K][] };

async function setup(options: Partial<LiveAgentOptions> = {}, emulator: EmulatorOptions = {}) {
  emu = await startEmulator(emulator);
  const s = new LiveAgentSession(
    {
      token: { url: emu.tokenUrl() },
      endpoint: emu.url,
      config: { outputAudioTranscription: {} },
      reconnect: { baseDelayMs: 50, maxDelayMs: 200 },
      ...options,
    },
    { transport: sourceTransport(), media: null },
  );
  session = s;
  const events: Seen = {};
  for (const type of ['error', 'resumed', 'setupcomplete'] as const)
    s.on(type, (e) => ((events[type] ??= []) as unknown[]).push(e));
  return { s, emu, events };
}

async function until<T>(what: string, check: () => T | undefined | false, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const modelText = (s: LiveAgentSession) =>
  s
    .getSnapshot()
    .transcript.filter((t) => t.role === 'model')
    .map((t) => t.text)
    .join(' ');

function expectContextLost(events: Seen): void {
  expect(events.error).toHaveLength(1);
  const { error, fatal } = events.error![0]!;
  expect(fatal).toBe(false);
  expect(error).toBeInstanceOf(ConnectionError);
  expect([error.code, (error as ConnectionError).closeCode]).toEqual(['context-lost', 1008]);
  expect((error as ConnectionError).reason).toBe(REFUSED);
}

test('an expired handle after a drop: a fresh session, context-lost, the conversation goes on', async () => {
  const { s, emu, events } = await setup({}, { handleTtlMs: 1 });
  await s.connect();
  const first = await emu.waitSession();
  s.sendText('before the drop');
  await until('the answer', () => modelText(s).includes('before the drop'));
  await until('a resumption handle', () => s.getSnapshot().sessionResumable);
  await first.close(1011, 'Internal error encountered.');
  // setupInfo(), not info(): waitSession() resolves at the WebSocket upgrade, before the client's
  // setup frame (under load in WebKit the fresh session's clientSetup was still unset).
  const refusedSession = await emu.waitSession();
  const refused = await refusedSession.setupInfo();
  expect(refused.clientSetup?.sessionResumption?.handle).toBeTruthy();
  await expect
    .poll(async () => (await refusedSession.info()).closeInfo, { timeout: 10_000 })
    .toMatchObject({ code: 1008, reason: REFUSED });
  const fresh = await (await emu.waitSession()).setupInfo();
  expect(fresh.clientSetup?.sessionResumption).toEqual({});
  expect(fresh.resumedFrom).toBeUndefined();
  await until('resumed', () => events.resumed?.length);
  expect(events.resumed![0]).toMatchObject({ handoff: false });
  expectContextLost(events);
  expect(s.status).toBe('connected');
  expect(s.getSnapshot().error).toBeNull();
  s.sendText('after the drop');
  await until('an answer in the fresh session', () => modelText(s).includes('after the drop'));
});

test('a bogus handle in config on the first connect: connected in a fresh session', async () => {
  const { s, emu, events } = await setup({
    config: { outputAudioTranscription: {}, sessionResumption: { handle: 'bogus-handle' } },
  });
  await s.connect();
  expect(s.status).toBe('connected');
  const refused = await (await emu.waitSession()).setupInfo();
  expect(refused.clientSetup?.sessionResumption?.handle).toBe('bogus-handle');
  const fresh = await (await emu.waitSession()).setupInfo();
  expect(fresh.clientSetup?.sessionResumption).toEqual({});
  expect(events.setupcomplete).toHaveLength(1);
  expectContextLost(events);
});

test('the fresh session refused as well ends in error', async () => {
  const { s, emu, events } = await setup({
    config: { outputAudioTranscription: {}, sessionResumption: { handle: 'bogus-handle' } },
  });
  await emu.settings({ models: ['some-other-model'] });
  await expect(s.connect()).rejects.toMatchObject({ code: 'auth-rejected' });
  expect(s.status).toBe('error');
  expect((await emu.sessions()).map((i) => i.clientSetup?.sessionResumption)).toEqual([
    { handle: 'bogus-handle' },
    {},
  ]);
  expect(events.error!.map((e) => [e.error.code, e.fatal])).toEqual([['auth-rejected', true]]);
});

/**
 * How the emulator refuses a resumption handle it cannot restore (unknown, revoked, expired): it
 * closes the socket during setup with 1008 and a fixed reason, before any setupComplete, and the
 * refused attempt does not use up the token. The session's fallback (a fresh session) relies on
 * exactly this shape; a valid handle still resumes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import { fastEmulator, openRaw, type RawClient } from '../support/raw-client.ts';

const KEY = 'resume-key';
const PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
const REFUSED = 'Session resumption handle is invalid or expired.';
let emu: Emulator;

beforeAll(async () => {
  emu = await fastEmulator(KEY);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

function setup(handle?: string): string {
  const sessionResumption = handle === undefined ? {} : { handle };
  return JSON.stringify({ setup: { model: 'models/gemini-3.8-live', sessionResumption } });
}

async function openWith(handle?: string): Promise<RawClient> {
  const c = await openRaw(`${emu.wsUrl}${PATH}?key=${KEY}`);
  c.ws.send(setup(handle));
  return c;
}

/** A handle the emulator issued after one completed text turn. */
async function issuedHandle(): Promise<string> {
  const c = await openWith();
  await c.next((m) => m.setupComplete);
  c.ws.send(JSON.stringify({ realtimeInput: { text: 'remember zebra' } }));
  const update = await c.next(
    (m) => (m.sessionResumptionUpdate as { resumable?: boolean } | undefined)?.resumable,
  );
  c.ws.close();
  return (update.sessionResumptionUpdate as { newHandle: string }).newHandle;
}

async function expectRefused(c: RawClient): Promise<void> {
  const closed = await Promise.race([
    c.closed,
    new Promise<never>((_, r) => setTimeout(() => r(new Error('no close')), 3000)),
  ]);
  expect(closed).toEqual({ code: 1008, reason: REFUSED });
  expect(c.messages.filter((m) => 'setupComplete' in m)).toEqual([]);
}

describe('refused resumption handles', () => {
  it('an unknown handle: 1008 during setup, no setupComplete', async () => {
    await expectRefused(await openWith('no-such-handle'));
  });

  it('a 100 KB bogus handle is refused the same way (the reason never echoes it)', async () => {
    await expectRefused(await openWith('h'.repeat(100_000)));
  });

  it('a revoked handle is refused; a valid one resumes', async () => {
    const kept = await issuedHandle();
    const revoked = await issuedHandle();
    expect(emu.revokeHandle(revoked)).toBe(true);
    await expectRefused(await openWith(revoked));
    const ok = await openWith(kept);
    await ok.next((m) => m.setupComplete);
    ok.ws.close();
  });

  it('an expired handle (past handleTtlMs) is refused', async () => {
    const ttl = emu.settings.handleTtlMs;
    emu.settings.handleTtlMs = 1;
    try {
      const handle = await issuedHandle();
      await new Promise((r) => setTimeout(r, 5));
      await expectRefused(await openWith(handle));
    } finally {
      emu.settings.handleTtlMs = ttl;
    }
  });
});

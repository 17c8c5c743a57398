/**
 * `turnComplete` after `interrupted`: the service has been seen both sending it and not. The
 * emulator's `turnCompleteAfterInterrupt` switch plays either; the session (worker transport,
 * Web Audio playback) must go quiet on the interrupt, not report a second turn end, and speak
 * and finish the next reply the same way in both cases.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import { sourceMedia, sourceTransport } from '../support/source-deps.ts';
import { startEmulator } from '../support/emulator-control.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(what: string, check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.each([
  ['sent', true],
  ['not sent', false],
])('turnComplete after interrupted: %s', (_label, turnCompleteAfterInterrupt) => {
  test('the interrupted reply goes quiet once; the next reply plays and completes', async () => {
    const emu = await startEmulator({
      turnCompleteAfterInterrupt,
      vad: { thresholdDb: 50 }, // only the test interrupts
      audio: { chunkMs: 40, speed: 1 },
    });
    cleanups.push(() => emu.close());
    const session = new LiveAgentSession(
      {
        token: { url: emu.tokenUrl() },
        endpoint: emu.url,
        config: { outputAudioTranscription: {} },
      },
      { transport: sourceTransport(), media: sourceMedia() },
    );
    cleanups.push(() => session.dispose());
    const log: string[] = [];
    session.on('interrupted', () => log.push('interrupted'));
    session.on('turncomplete', () => log.push('turncomplete'));
    await session.connect();
    const live = await emu.waitSession();

    void live.say('This is a long reply that the user cuts off half way through it.');
    await until('the first reply to be heard', () => session.getSnapshot().agentSpeaking);
    await sleep(300);
    expect(await live.interrupt()).toBe(true);
    await until('the interrupt', () => log.includes('interrupted'));
    // Generous: how fast the cut goes quiet is a bench figure, not this test's.
    await until('silence', () => !session.getSnapshot().agentSpeaking, 10_000);
    // A turnComplete, when sent, is waited for; when not, none may come (one arriving late
    // would show in the second reply's events below).
    if (turnCompleteAfterInterrupt)
      await until('the turnComplete', () => log.includes('turncomplete'));
    else await sleep(300);
    const sent = (await live.sent()).map((f) => Object.keys(f.message?.serverContent ?? {}));
    const at = sent.findIndex((k) => k.includes('interrupted'));
    expect(sent[at + 1]?.includes('turnComplete') ?? false).toBe(turnCompleteAfterInterrupt);
    // The cut reply ends exactly once, however the server ends it.
    expect(log.filter((e) => e === 'turncomplete').length).toBe(turnCompleteAfterInterrupt ? 1 : 0);
    expect(session.getSnapshot().agentSpeaking).toBe(false);

    const before = log.length;
    await live.say('Second reply.');
    await until('the second reply to complete', () => log.slice(before).includes('turncomplete'));
    await until('the end of playback', () => !session.getSnapshot().agentSpeaking, 5000);
    const model = session.getSnapshot().transcript.filter((t) => t.role === 'model');
    expect(model.at(-1)?.text).toContain('Second reply');
    expect(model.at(-1)?.final).toBe(true);
    expect(log.slice(before)).toEqual(['turncomplete']);
    expect(session.status).toBe('connected');
  });
});

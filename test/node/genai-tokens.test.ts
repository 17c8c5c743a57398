/**
 * Ephemeral tokens end to end with @google/genai: `authTokens.create` against the emulator's REST
 * route, then `live.connect` with the token (v1alpha, BidiGenerateContentConstrained?access_token=).
 */
import { GoogleGenAI, Modality, type LiveServerMessage } from '@google/genai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';

const KEY = 'token-test-key';
const MODEL = 'gemini-live-2.5-flash-preview';
let emu: Emulator;

beforeAll(async () => {
  // genai warns on every ephemeral-token connect ("experimental"): keep the output readable.
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  emu = await createEmulator({ apiKey: KEY, speech: 'tone', responseDelayMs: 0 });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const admin = (): GoogleGenAI =>
  new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: emu.url, apiVersion: 'v1alpha' } });

/** Opens a session with a token; resolves with its messages once setupComplete arrived. */
async function openWithToken(
  token: string,
  config: Parameters<GoogleGenAI['live']['connect']>[0]['config'] = {},
  model = MODEL,
) {
  const ai = new GoogleGenAI({
    apiKey: token,
    httpOptions: { apiVersion: 'v1alpha', baseUrl: emu.url },
  });
  const messages: LiveServerMessage[] = [];
  const connecting = ai.live.connect({
    model,
    config,
    callbacks: { onmessage: (m) => messages.push(m) },
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('connect timed out')), 5000),
  );
  const session = await Promise.race([connecting, timeout]);
  return { session, messages };
}

describe('ephemeral tokens through @google/genai', () => {
  it('authTokens.create mints auth_tokens/… and the token opens a Constrained session', async () => {
    const token = await admin().authTokens.create({ config: { uses: 1 } });
    expect(token.name).toMatch(/^auth_tokens\/[0-9a-f]+$/);
    const issued = emu.tokens.get(token.name!)!;
    expect(issued.uses).toBe(1);
    // Defaults like Google: new sessions within 60 s, messages within 30 min.
    expect(issued.newSessionExpireTime - issued.createdAt).toBe(60_000);
    expect(issued.expireTime - issued.createdAt).toBe(30 * 60_000);

    const { session } = await openWithToken(token.name!);
    const s = await emu.waitForSession();
    expect(s.route).toMatchObject({
      apiVersion: 'v1alpha',
      method: 'BidiGenerateContentConstrained',
    });
    expect(s.credential).toEqual({ kind: 'token', value: token.name });
    expect(issued.uses).toBe(0);
    session.close();
  });

  it('is single use by default: the second open closes 1008', async () => {
    const token = await admin().authTokens.create({ config: {} });
    const first = await openWithToken(token.name!);
    first.session.close();
    await expect(openWithToken(token.name!)).rejects.toThrow(/code 1008.*no uses left/);
  });

  it('resuming with a handle does not use up the token', async () => {
    const token = await admin().authTokens.create({ config: { uses: 1 } });
    const first = await openWithToken(token.name!, {
      responseModalities: [Modality.TEXT],
      sessionResumption: {},
    });
    first.session.sendClientContent({ turns: 'hi', turnComplete: true });
    const s1 = await emu.waitForSession();
    const update = await s1.waitForMessage('clientContent').then(
      () =>
        new Promise<string>((resolve) =>
          s1.on('sent', (f) => {
            const u = f.message?.sessionResumptionUpdate as { newHandle?: string } | undefined;
            if (u?.newHandle) resolve(u.newHandle);
          }),
        ),
    );
    first.session.close();
    const resumed = await openWithToken(token.name!, {
      responseModalities: [Modality.TEXT],
      sessionResumption: { handle: update },
    });
    expect(resumed.messages[0]?.setupComplete).toBeDefined();
    resumed.session.close();
  });

  it('refuses expired tokens and tokens past newSessionExpireTime with 1008', async () => {
    const now = Date.now();
    const late = await admin().authTokens.create({
      config: { newSessionExpireTime: new Date(now + 150).toISOString() },
    });
    await new Promise((r) => setTimeout(r, 250));
    await expect(openWithToken(late.name!)).rejects.toThrow(/code 1008.*new sessions/);

    const expiring = emu.createToken({ expireTime: new Date(Date.now() + 150).toISOString() });
    await new Promise((r) => setTimeout(r, 250));
    await expect(openWithToken(expiring.name)).rejects.toThrow(/code 1008.*expired/);
    await expect(openWithToken('auth_tokens/forged')).rejects.toThrow(/code 1008/);
  });

  it('applies locked constraints over the client setup (model and config)', async () => {
    const token = await admin().authTokens.create({
      config: {
        uses: 1,
        liveConnectConstraints: {
          model: 'gemini-locked-model',
          config: { responseModalities: [Modality.TEXT], temperature: 0.2 },
        },
        lockAdditionalFields: [],
      },
    });
    const issued = emu.tokens.get(token.name!)!;
    expect(issued.fieldMask).toEqual(
      expect.arrayContaining(['model', 'generationConfig.responseModalities']),
    );
    const { session, messages } = await openWithToken(
      token.name!,
      { responseModalities: [Modality.AUDIO], temperature: 1.5, outputAudioTranscription: {} },
      'some-other-model',
    );
    const s = await emu.waitForSession();
    expect(s.clientSetup?.model).toBe('models/some-other-model');
    expect(s.setup?.model).toBe('models/gemini-locked-model');
    expect(s.setup?.generationConfig).toMatchObject({
      responseModalities: ['TEXT'],
      temperature: 0.2,
    });
    // Unlocked fields stay the client's.
    expect(s.setup?.outputAudioTranscription).toEqual({});
    session.sendClientContent({ turns: 'hello', turnComplete: true });
    await s.waitForMessage('clientContent');
    await new Promise<void>((resolve) => s.once('reply', () => resolve()));
    expect(messages.map((m) => m.text ?? '').join('')).toBe('You said: hello');
    session.close();
  });

  it('without lockAdditionalFields the token setup replaces the client setup entirely', async () => {
    const token = await admin().authTokens.create({
      config: {
        liveConnectConstraints: { model: MODEL, config: { responseModalities: [Modality.TEXT] } },
      },
    });
    expect(emu.tokens.get(token.name!)!.fieldMask).toBeUndefined();
    const { session } = await openWithToken(token.name!, { outputAudioTranscription: {} });
    const s = await emu.waitForSession();
    expect(s.setup?.outputAudioTranscription).toBeUndefined();
    expect(s.setup?.generationConfig).toEqual({ responseModalities: ['TEXT'] });
    session.close();
  });

  it('rejects token minting with a wrong API key, like Google (400 API key not valid)', async () => {
    const bad = new GoogleGenAI({
      apiKey: 'wrong',
      httpOptions: { baseUrl: emu.url, apiVersion: 'v1alpha' },
    });
    await expect(bad.authTokens.create({ config: {} })).rejects.toThrow(/API key not valid/);
    expect(emu.tokens.size).toBe(0);
  });
});

/**
 * The emulator driven by @google/genai's own Node live client: if Google's SDK cannot tell the
 * emulator from the service for these flows, our SDK's tests against it mean something.
 */
import { GoogleGenAI, Modality, type LiveServerMessage, type Session } from '@google/genai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chunkPcm16,
  createEmulator,
  decodePcm16,
  encodePcm16,
  silencePcm16,
  speechLikePcm16,
  type Emulator,
} from '../../src/emulator/index.ts';

const KEY = 'test-key';
const MODEL = 'gemini-live-2.5-flash-preview';
let emu: Emulator;

beforeAll(async () => {
  emu = await createEmulator({
    apiKey: KEY,
    speech: 'tone',
    responseDelayMs: 10,
    audio: { speed: Infinity, chunkMs: 60 },
  });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

interface Live {
  session: Session;
  messages: LiveServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first message (past or future) matching. */
  next(test: (m: LiveServerMessage) => unknown, timeoutMs?: number): Promise<LiveServerMessage>;
}

type ConnectParams = Parameters<GoogleGenAI['live']['connect']>[0];

/** genai's connect() has no timeout: race it. */
async function connect(
  config: ConnectParams['config'] = {},
  opts: { apiKey?: string; apiVersion?: string; model?: string; on?: Emulator } = {},
): Promise<Live> {
  const target = opts.on ?? emu;
  const ai = new GoogleGenAI({
    apiKey: opts.apiKey ?? KEY,
    httpOptions: {
      baseUrl: target.url,
      ...(opts.apiVersion ? { apiVersion: opts.apiVersion } : {}),
    },
  });
  const messages: LiveServerMessage[] = [];
  const listeners = new Set<() => void>();
  let closedResolve!: (e: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (closedResolve = r));
  const session = await withTimeout(
    ai.live.connect({
      model: opts.model ?? MODEL,
      config,
      callbacks: {
        onmessage: (m) => {
          messages.push(m);
          for (const l of listeners) l();
        },
        onclose: (e) => closedResolve({ code: e.code, reason: e.reason }),
      },
    }),
    5000,
    'connect',
  );
  const next: Live['next'] = (test, timeoutMs = 5000) =>
    withTimeout(
      new Promise<LiveServerMessage>((resolve) => {
        const check = (): void => {
          const found = messages.find((m) => test(m));
          if (found) {
            listeners.delete(check);
            resolve(found);
          }
        };
        listeners.add(check);
        check();
      }),
      timeoutMs,
      'message',
    );
  return { session, messages, closed, next };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms)),
  ]);
}

const transcript = (ms: LiveServerMessage[], from = 0): string =>
  ms
    .slice(from)
    .map((m) => m.serverContent?.outputTranscription?.text ?? '')
    .join('');
const audioParts = (ms: LiveServerMessage[]) =>
  ms.flatMap((m) => m.serverContent?.modelTurn?.parts ?? []).filter((p) => p.inlineData);
const turnDone = (m: LiveServerMessage): boolean => m.serverContent?.turnComplete === true;

function sendSpeech(session: Session, speechMs: number, silenceMs: number): void {
  const pcm = [...chunkPcm16(speechLikePcm16(speechMs)), ...chunkPcm16(silencePcm16(silenceMs))];
  for (const c of pcm) {
    session.sendRealtimeInput({
      audio: { data: encodePcm16(c), mimeType: 'audio/pcm;rate=16000' },
    });
  }
}

describe('@google/genai live client against the emulator', () => {
  it('connects with an API key: setup → setupComplete, binary frames, genai default route', async () => {
    const live = await connect({ responseModalities: [Modality.AUDIO] });
    const s = await emu.waitForSession();
    expect(live.messages[0]?.setupComplete).toEqual({});
    expect(s.credential).toEqual({ kind: 'apiKey', value: KEY });
    expect(s.route.method).toBe('BidiGenerateContent');
    expect(s.received[0]?.message).toMatchObject({ setup: { model: `models/${MODEL}` } });
    expect(s.sent[0]).toMatchObject({ binary: true, message: { setupComplete: {} } });
    live.session.close();
    // genai's close() sends no close code: the server sees 1005.
    expect((await s.closed).code).toBe(1005);
  });

  it('answers text with 24 kHz audio, output transcription, generationComplete, then turnComplete + usage', async () => {
    const live = await connect({
      responseModalities: [Modality.AUDIO],
      outputAudioTranscription: {},
    });
    live.session.sendClientContent({ turns: 'hello there', turnComplete: true });
    const done = await live.next(turnDone);
    expect(transcript(live.messages)).toBe('You said: hello there');
    const parts = audioParts(live.messages);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.every((p) => p.inlineData?.mimeType === 'audio/pcm;rate=24000')).toBe(true);
    const samples = parts.reduce((n, p) => n + decodePcm16(p.inlineData!.data!).length, 0);
    expect(samples / 24000).toBeGreaterThan(0.5); // three words of tone voice ≈ 0.7 s
    const gen = live.messages.findIndex((m) => m.serverContent?.generationComplete);
    expect(gen).toBeGreaterThan(0);
    expect(gen).toBeLessThan(live.messages.indexOf(done));
    expect(done.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    expect(done.usageMetadata?.responseTokensDetails?.[0]?.modality).toBe('AUDIO');
    live.session.close();
  });

  it('answers realtime text in TEXT modality with text parts', async () => {
    const live = await connect({ responseModalities: [Modality.TEXT] });
    live.session.sendRealtimeInput({ text: 'Are you there Gemini?' });
    await live.next(turnDone);
    const text = live.messages.map((m) => m.text ?? '').join('');
    expect(text).toBe('You said: Are you there Gemini?');
    expect(audioParts(live.messages)).toHaveLength(0);
    live.session.close();
  });

  it('hears speech through VAD: input transcription, audio reply, output transcription', async () => {
    const live = await connect({
      responseModalities: [Modality.AUDIO],
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    });
    sendSpeech(live.session, 1400, 700);
    const input = await live.next((m) => m.serverContent?.inputTranscription?.text);
    expect(input.serverContent?.inputTranscription?.text).toMatch(/^\((1\.[3-5]) s of speech\)$/);
    await live.next(turnDone);
    expect(transcript(live.messages)).toMatch(/^I heard 1\.[3-5] s of speech\.$/);
    expect(audioParts(live.messages).length).toBeGreaterThan(0);
    live.session.close();
  });

  it('does not answer silence or speech still in progress', async () => {
    const live = await connect({ responseModalities: [Modality.AUDIO] });
    const s = await emu.waitForSession();
    sendSpeech(live.session, 0, 1500);
    sendSpeech(live.session, 800, 200); // trailing silence shorter than the 500 ms end-of-turn
    await s.waitForMessage((m) => m.realtimeInput !== undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(live.messages.filter((m) => m.serverContent)).toHaveLength(0);
    live.session.sendRealtimeInput({ audioStreamEnd: true });
    await live.next(turnDone);
    live.session.close();
  });

  it('runs a tool call round trip with the call id', async () => {
    const live = await connect({
      responseModalities: [Modality.AUDIO],
      outputAudioTranscription: {},
      tools: [{ functionDeclarations: [{ name: 'get_time', description: 'Current time' }] }],
    });
    live.session.sendClientContent({
      turns: 'please call get_time {"tz":"UTC"}',
      turnComplete: true,
    });
    const call = (await live.next((m) => m.toolCall)).toolCall!.functionCalls![0]!;
    expect(call).toMatchObject({ name: 'get_time', args: { tz: 'UTC' } });
    expect(call.id).toMatch(/^function-call-\d+$/);
    expect(live.messages.some(turnDone)).toBe(false);
    live.session.sendToolResponse({
      functionResponses: [{ id: call.id, name: 'get_time', response: { time: '12:00' } }],
    });
    await live.next(turnDone);
    expect(transcript(live.messages)).toBe('get_time returned {"time":"12:00"}.');
    live.session.close();
  });

  it('cancels a pending call with toolCallCancellation', async () => {
    const live = await connect({
      responseModalities: [Modality.TEXT],
      tools: [{ functionDeclarations: [{ name: 'slow' }] }],
    });
    live.session.sendClientContent({ turns: 'call slow', turnComplete: true });
    const id = (await live.next((m) => m.toolCall)).toolCall!.functionCalls![0]!.id;
    live.session.sendClientContent({ turns: 'cancel', turnComplete: true });
    const cancel = await live.next((m) => m.toolCallCancellation);
    expect(cancel.toolCallCancellation!.ids).toEqual([id]);
    await live.next(turnDone);
    expect(live.messages.map((m) => m.text ?? '').join('')).toContain('Okay, I cancelled 1 call.');
    // A late response for the cancelled id is ignored, not fatal.
    live.session.sendToolResponse({ functionResponses: [{ id, name: 'slow', response: {} }] });
    const s = emu.sessions[0]!;
    await s.waitForMessage('toolResponse');
    expect(s.open).toBe(true);
    live.session.close();
  });

  it('keeps talking during a NON_BLOCKING call and speaks the late result WHEN_IDLE', async () => {
    const live = await connect({
      responseModalities: [Modality.TEXT],
      tools: [{ functionDeclarations: [{ name: 'lookup', behavior: 'NON_BLOCKING' as never }] }],
    });
    live.session.sendClientContent({ turns: 'call lookup', turnComplete: true });
    const id = (await live.next((m) => m.toolCall)).toolCall!.functionCalls![0]!.id;
    const first = await live.next(turnDone);
    const spoken = live.messages.slice(0, live.messages.indexOf(first)).map((m) => m.text ?? '');
    expect(spoken.join('')).toBe('Okay, I started lookup.');
    const before = live.messages.length;
    live.session.sendToolResponse({
      functionResponses: [
        { id, name: 'lookup', response: { answer: 42 }, scheduling: 'WHEN_IDLE' as never },
      ],
    });
    await live.next((m) => turnDone(m) && live.messages.indexOf(m) >= before);
    const late = live.messages
      .slice(before)
      .map((m) => m.text ?? '')
      .join('');
    expect(late).toBe('lookup finished: {"answer":42}.');
    live.session.close();
  });

  it('resumes a conversation from a sessionResumptionUpdate handle', async () => {
    const live = await connect({ responseModalities: [Modality.TEXT], sessionResumption: {} });
    live.session.sendClientContent({ turns: 'remember the word zebra', turnComplete: true });
    const update = await live.next((m) => m.sessionResumptionUpdate?.resumable);
    const handle = update.sessionResumptionUpdate!.newHandle!;
    expect(handle).toBeTruthy();
    const first = await emu.waitForSession();
    live.session.close();
    await first.closed;

    const again = await connect({
      responseModalities: [Modality.TEXT],
      sessionResumption: { handle },
    });
    const resumed = await emu.waitForSession();
    expect(resumed.resumedFrom).toBe(handle);
    expect(JSON.stringify(resumed.history)).toContain('zebra');
    again.session.sendClientContent({ turns: 'and now?', turnComplete: true });
    const next = await again.next((m) => m.sessionResumptionUpdate?.resumable);
    expect(next.sessionResumptionUpdate!.newHandle).not.toBe(handle);
    expect(resumed.agent!.turns).toBe(2);
    again.session.close();

    await expect(connect({ sessionResumption: { handle: 'no-such-handle' } })).rejects.toThrow(
      /1008/,
    );
  });

  it('sends goAway before the connection lifetime, then closes 1011', async () => {
    const short = await createEmulator({
      apiKey: KEY,
      connectionLifetimeMs: 600,
      goAwayLeadMs: 250,
    });
    try {
      const live = await connect({}, { on: short });
      const goAway = await live.next((m) => m.goAway);
      expect(goAway.goAway!.timeLeft).toBe('0.25s');
      const closed = await withTimeout(live.closed, 3000, 'close');
      expect(closed).toEqual({
        code: 1011,
        reason: 'Deadline expired before operation could complete.',
      });
    } finally {
      await short.close();
    }
  });

  it('is interrupted when the user barges in (serverContent.interrupted, audio stops)', async () => {
    const slow = await createEmulator({
      apiKey: KEY,
      speech: 'tone',
      audio: { speed: 1, chunkMs: 40 },
    });
    try {
      const live = await connect({ responseModalities: [Modality.AUDIO] }, { on: slow });
      live.session.sendClientContent({
        turns: 'tell me a long story about a very patient emulator and its many tests',
        turnComplete: true,
      });
      await live.next((m) => m.serverContent?.modelTurn);
      sendSpeech(live.session, 300, 0);
      const interrupted = await live.next((m) => m.serverContent?.interrupted);
      const at = live.messages.indexOf(interrupted);
      await new Promise((r) => setTimeout(r, 200));
      expect(audioParts(live.messages.slice(at))).toHaveLength(0);
      expect(live.messages.slice(0, at).some(turnDone)).toBe(false);
      live.session.close();
    } finally {
      await slow.close();
    }
  });

  it('supports manual activity (activityStart/activityEnd) and counts video frames', async () => {
    const live = await connect({
      responseModalities: [Modality.TEXT],
      realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]).toString('base64');
    for (let i = 0; i < 3; i++) {
      live.session.sendRealtimeInput({ video: { data: jpeg, mimeType: 'image/jpeg' } });
    }
    live.session.sendRealtimeInput({ activityStart: {} });
    sendSpeech(live.session, 1000, 0);
    live.session.sendRealtimeInput({ activityEnd: {} });
    await live.next(turnDone);
    expect(live.messages.map((m) => m.text ?? '').join('')).toBe(
      'I heard 1.0 s of speech. I have seen 3 frames.',
    );
    live.session.close();
  });

  it('lets a test script replies with emulator.script.onText', async () => {
    emu.script.onText(/weather in (\w+)/i, async (ctx) => {
      await ctx.say(`It is sunny in ${ctx.match![1]}.`);
    });
    const live = await connect({ responseModalities: [Modality.TEXT] });
    live.session.sendClientContent({ turns: 'What is the weather in Paris?', turnComplete: true });
    await live.next(turnDone);
    expect(live.messages.map((m) => m.text ?? '').join('')).toBe('It is sunny in Paris.');
    live.session.close();
  });
});

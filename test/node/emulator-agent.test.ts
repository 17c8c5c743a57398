/**
 * Agent behaviours beyond the basic flows: voices (espeak, echo), the session scripting API,
 * tool-call cancellation on barge-in, NON_BLOCKING scheduling, and the CLI.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fastEmulator } from '../support/raw-client.ts';
import {
  chunkPcm16,
  decodePcm16,
  encodePcm16,
  silencePcm16,
  speechLikePcm16,
  type Emulator,
} from '../../src/emulator/index.ts';

const KEY = 'agent-key';
const PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
let emu: Emulator;

beforeAll(async () => {
  emu = await fastEmulator(KEY);
});
afterEach(() => {
  emu.reset();
  emu.settings.speech = 'tone';
  emu.settings.audio = { chunkMs: 80, speed: Infinity, burst: 1 };
});
afterAll(() => emu.close());

type Msg = Record<string, any>;

/** A raw client that has completed setup. */
async function session(setup: Msg, target = emu) {
  const ws = new WebSocket(`${target.wsUrl}${PATH}?key=${KEY}`);
  const msgs: Msg[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (d) => {
    msgs.push(JSON.parse(String(d)) as Msg);
    for (const w of waiters) w();
  });
  const next = (test: (m: Msg) => unknown, from = 0, ms = 5000): Promise<Msg> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching message')), ms);
      const check = (): void => {
        const found = msgs.slice(from).find((m) => test(m));
        if (found) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        }
      };
      waiters.add(check);
      check();
    });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ setup: { model: 'models/gemini-live-2.5-flash-preview', ...setup } }));
  await next((m) => m.setupComplete);
  const send = (m: Msg): void => ws.send(JSON.stringify(m));
  const speak = (speechMs: number, silenceMs: number): void => {
    for (const c of [
      ...chunkPcm16(speechLikePcm16(speechMs)),
      ...chunkPcm16(silencePcm16(silenceMs)),
    ]) {
      send({
        realtimeInput: { audio: { data: encodePcm16(c), mimeType: 'audio/pcm;rate=16000' } },
      });
    }
  };
  return { ws, msgs, next, send, speak, server: await target.waitForSession() };
}

const done = (m: Msg): boolean => m.serverContent?.turnComplete === true;
const audioSeconds = (msgs: Msg[]): number =>
  msgs
    .flatMap((m) => m.serverContent?.modelTurn?.parts ?? [])
    .reduce(
      (s: number, p: Msg) => s + (p.inlineData ? decodePcm16(p.inlineData.data).length : 0),
      0,
    ) / 24000;

describe('voices', () => {
  // npm test installs espeak-ng (scripts/ensure-browsers.mjs); without it this fails, not skips.
  it('speaks with espeak-ng', async () => {
    expect(existsSync('/usr/bin/espeak-ng'), 'espeak-ng is not installed').toBe(true);
    emu.settings.speech = 'espeak';
    const c = await session({ outputAudioTranscription: {} });
    c.send({ realtimeInput: { text: 'good morning' } });
    await c.next(done);
    // "You said: good morning" spoken by espeak at 175 wpm lasts about 1–2.5 s.
    expect(audioSeconds(c.msgs)).toBeGreaterThan(0.8);
    expect(audioSeconds(c.msgs)).toBeLessThan(4);
    c.ws.close();
  });

  it('echoes the user utterance back in echo mode', async () => {
    emu.settings.speech = 'echo';
    const c = await session({});
    c.speak(1500, 600);
    await c.next(done);
    // The echo is the utterance (≈1.5 s) resampled to 24 kHz, not the tone voice.
    expect(audioSeconds(c.msgs)).toBeGreaterThan(1.3);
    expect(audioSeconds(c.msgs)).toBeLessThan(1.8);
    c.ws.close();
  });
});

describe('session scripting API', () => {
  it('session.say and session.callTool drive the client', async () => {
    const c = await session({ generationConfig: { responseModalities: ['TEXT'] } });
    await c.server.say('Welcome!');
    await c.next(done); // say() resolves once sent; the client receives a moment later
    expect(c.msgs.map((m) => m.serverContent?.modelTurn?.parts?.[0]?.text ?? '').join('')).toBe(
      'Welcome!',
    );
    const result = c.server.callTool('lookup', { q: 1 });
    const call = (await c.next((m) => m.toolCall)).toolCall.functionCalls[0];
    c.send({
      toolResponse: {
        functionResponses: [{ id: call.id, name: 'lookup', response: { ok: true } }],
      },
    });
    await expect(result).resolves.toMatchObject({ id: call.id, response: { ok: true } });
    c.ws.close();
  });

  it('per-session onTurn rules and onMessage hooks take precedence', async () => {
    const c = await session({ generationConfig: { responseModalities: ['TEXT'] } });
    const seen: string[] = [];
    c.server.script.onMessage((_, m) => {
      seen.push(Object.keys(m)[0]!);
      return 'clientContent' in m && JSON.stringify(m).includes('swallow');
    });
    c.server.script.onTurn(async (ctx) => {
      await ctx.say(`[${ctx.kind}] ${ctx.text}`);
    });
    c.send({
      client_content: {
        turns: [{ role: 'user', parts: [{ text: 'swallow me' }] }],
        turn_complete: true,
      },
    });
    c.send({ realtime_input: { text: 'hi' } });
    await c.next(done);
    expect(seen).toEqual(['clientContent', 'realtimeInput']);
    expect(c.msgs.map((m) => m.serverContent?.modelTurn?.parts?.[0]?.text ?? '').join('')).toBe(
      '[text] hi',
    );
    c.ws.close();
  });
});

describe('tools under interruption', () => {
  it('cancels a blocking call when the user barges in', async () => {
    const c = await session({ tools: [{ functionDeclarations: [{ name: 'slow' }] }] });
    c.send({ realtimeInput: { text: 'call slow' } });
    const id = (await c.next((m) => m.toolCall)).toolCall.functionCalls[0].id;
    c.speak(400, 0);
    const cancel = await c.next((m) => m.toolCallCancellation);
    expect(cancel.toolCallCancellation.ids).toEqual([id]);
    expect(c.msgs.some((m) => m.serverContent?.interrupted)).toBe(true);
    expect(c.server.pendingToolCalls).toEqual([]);
    c.ws.close();
  });

  it('speaks an INTERRUPT-scheduled result at once and keeps SILENT results quiet', async () => {
    emu.settings.audio = { chunkMs: 40, speed: 1, burst: 1 };
    const c = await session({
      tools: [{ functionDeclarations: [{ name: 'bg', behavior: 'NON_BLOCKING' }] }],
      outputAudioTranscription: {},
    });
    c.send({ realtimeInput: { text: 'call bg' } });
    const first = (await c.next((m) => m.toolCall)).toolCall.functionCalls[0].id;
    await c.next(done);
    c.send({ realtimeInput: { text: 'call bg' } });
    const second = (await c.next((m) => m.toolCall, c.msgs.findIndex(done) + 1)).toolCall
      .functionCalls[0].id;
    expect(second).not.toBe(first);
    await c.next((m) => m.serverContent?.modelTurn, c.msgs.length - 1);
    c.send({
      toolResponse: {
        functionResponses: [
          { id: second, name: 'bg', response: { n: 2 }, scheduling: 'INTERRUPT' },
        ],
      },
    });
    const interrupted = await c.next((m) => m.serverContent?.interrupted);
    const after = c.msgs.indexOf(interrupted);
    await c.next(done, after);
    const said = c.msgs
      .slice(after)
      .map((m) => m.serverContent?.outputTranscription?.text ?? '')
      .join('');
    expect(said).toBe('bg finished: {"n":2}.');
    const count = c.msgs.length;
    c.send({
      toolResponse: {
        functionResponses: [{ id: first, name: 'bg', response: { n: 1 }, scheduling: 'SILENT' }],
      },
    });
    await c.server.waitForMessage((m) => JSON.stringify(m).includes('SILENT'));
    await new Promise((r) => setTimeout(r, 150));
    expect(c.msgs.length).toBe(count);
    expect(JSON.stringify(c.server.history)).toContain('"n":1');
    c.ws.close();
  });
});

describe('cli', () => {
  it('prints its URL and logs sessions', { timeout: 60_000 }, async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/emulator/cli.ts', '--port', '0', '--speech', 'tone'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 45_000);
        child.stdout.on('data', (d: Buffer) => {
          out += String(d);
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const ws = new WebSocket(`${url.replace('http', 'ws')}/${PATH}?key=emulator-key`);
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ setup: { model: 'models/cli-model' } }));
      await new Promise((r) => ws.once('message', r));
      ws.close(1000);
      await new Promise((r) => setTimeout(r, 300));
      expect(out).toMatch(/connect v1beta BidiGenerateContent/);
      expect(out).toMatch(/setup models\/cli-model/);
      expect(out).toMatch(/client closed 1000/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

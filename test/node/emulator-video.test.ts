/**
 * Video in the emulator: frames are counted with their size and JPEG dimensions, the built-in
 * reply describes the last one, and audio+video sessions without context compression close at the
 * (scaled-down) limit like Google's, while compressed ones stay open.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';
import { jpegSize } from '../../src/emulator/jpeg.ts';

const KEY = 'video-key';
const PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
const MODEL = 'models/gemini-live-2.5-flash-preview';
let emu: Emulator;

/** A header-only JPEG (SOI, APP0, SOF0 with the size): enough for the emulator's parser. */
function fakeJpeg(width: number, height: number): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof = [0xff, 0xc0, 0x00, 0x11, 8, height >> 8, height & 255, width >> 8, width & 255, 3];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]);
}

beforeAll(async () => {
  emu = await createEmulator({
    apiKey: KEY,
    speech: 'tone',
    responseDelayMs: 0,
    audio: { speed: Infinity },
    videoSessionLimitMs: 400,
  });
});
afterAll(() => emu.close());

async function open(setup: Record<string, unknown>) {
  const ws = new WebSocket(`${emu.wsUrl}${PATH}?key=${KEY}`);
  const texts: string[] = [];
  ws.on('message', (d) => texts.push((d as Buffer).toString('utf8')));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ setup: { model: MODEL, ...setup } }));
  for (let i = 0; i < 100 && !texts.some((t) => t.includes('setupComplete')); i++)
    await new Promise((r) => setTimeout(r, 10));
  const frame = (w: number, h: number) =>
    ws.send(
      JSON.stringify({
        realtimeInput: {
          video: { mimeType: 'image/jpeg', data: fakeJpeg(w, h).toString('base64') },
        },
      }),
    );
  return { ws, texts, closed, frame };
}

describe('emulator video', () => {
  it('parses JPEG dimensions (and refuses what is not a JPEG)', () => {
    expect(jpegSize(fakeJpeg(768, 432))).toEqual({ width: 768, height: 432 });
    expect(jpegSize(Buffer.from('not a jpeg'))).toBeNull();
  });

  it('counts frames, records the last one and describes it in the built-in reply', async () => {
    const c = await open({
      contextWindowCompression: { slidingWindow: {} },
      outputAudioTranscription: {},
    });
    const session = emu.allSessions.at(-1)!;
    c.frame(1280, 720);
    c.frame(768, 432);
    c.ws.send(JSON.stringify({ realtimeInput: { text: 'what do you see' } }));
    const said = () =>
      c.texts
        .map(
          (t) => JSON.parse(t) as { serverContent?: { outputTranscription?: { text?: string } } },
        )
        .map((m) => m.serverContent?.outputTranscription?.text ?? '')
        .join('');
    for (let i = 0; i < 300 && !said().includes('image.'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(session.videoFrames).toBe(2);
    expect(session.lastVideo).toMatchObject({ mimeType: 'image/jpeg', width: 768, height: 432 });
    expect(said().replace(/\s+/g, ' ')).toContain('I have seen 2 frames. I see a 768×432 image.');
    c.ws.close();
  });

  it('legacy mediaChunks images (google-genai send(), ADK on 2.0 models) count the same', async () => {
    emu.settings.mediaChunksModels = /./;
    try {
      const c = await open({ contextWindowCompression: { slidingWindow: {} } });
      const session = emu.allSessions.at(-1)!;
      const data = fakeJpeg(640, 360).toString('base64');
      c.ws.send(
        JSON.stringify({ realtime_input: { media_chunks: [{ mime_type: 'image/jpeg', data }] } }),
      );
      for (let i = 0; i < 100 && session.videoFrames < 1; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(session.videoFrames).toBe(1);
      expect(session.lastVideo).toMatchObject({ mimeType: 'image/jpeg', width: 640, height: 360 });
      c.ws.close();
    } finally {
      emu.settings.mediaChunksModels = /^gemini-2\.0-flash-live/;
    }
  });

  it('closes an uncompressed audio+video session 1011 at the limit; a compressed one stays', async () => {
    const plain = await open({});
    const compressed = await open({ contextWindowCompression: { slidingWindow: {} } });
    const t0 = Date.now();
    plain.frame(64, 36);
    compressed.frame(64, 36);
    expect(await plain.closed).toBe(1011);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    await new Promise((r) => setTimeout(r, 200));
    expect(compressed.ws.readyState).toBe(WebSocket.OPEN);
    compressed.ws.close();
  });
});

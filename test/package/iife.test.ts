/**
 * The script-tag face, tested as users get it: Chromium loads `dist/live-agent.iife.js` through a
 * plain `<script src>` on a plain page and on a page whose every response carries a strict CSP,
 * talks to the Live emulator with the fake microphone, and the element does what the README's
 * `<live-agent>` reference says: mic frames, agent audio played, captions as text, tools, reconnect
 * after goAway with a fresh token, clear errors, and nothing but the IIFE before the first connect.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createEmulator, type Emulator, type EmulatorSession } from '../../src/emulator/index.ts';
import { launchChromium, recordConsole, until, type ConsoleLine } from './support/chromium.ts';
import { iifePage, recordPage, type PageRecord } from './support/pages.ts';
import { resources, trackResources } from './support/resources.ts';
import { sendJson, startStaticServer, type StaticServer } from './support/static-server.ts';
import { addTokenRoutes, FAKE_API_KEY, type TokenRoutes } from './support/token-routes.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const LAZY_FILES = ['live-agent.deps.js', 'live-agent.worker.js', 'live-agent-audio.worklet.js'];

/**
 * Everything the SDK needs, and no more: scripts, the worker and the worklets only from our own
 * origin (no blob:, no eval, no inline); the WebSocket only to the Live endpoint; the token POST
 * is same-origin. `report-uri` makes Chromium POST violations from workers and worklets too,
 * which `securitypolicyviolation` on the document would not see.
 */
function strictCsp(emulatorPort: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${emulatorPort}`,
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    'report-uri /csp-report',
  ].join('; ');
}

interface Site {
  name: string;
  server: StaticServer;
  tokens: TokenRoutes;
  /** Bodies POSTed to /csp-report. */
  reports: string[];
}

let browser: Browser;
let emulator: Emulator;
const sites: Site[] = [];

async function startSite(name: string, headers: Record<string, string>): Promise<Site> {
  const server = await startStaticServer({ mounts: { '/dist/': DIST }, headers });
  const tokens = addTokenRoutes(server, emulator);
  const reports: string[] = [];
  server.route('POST /csp-report', (_req, res, body) => {
    reports.push(body);
    sendJson(res, 204, {});
  });
  const page = (tokenUrl: string) => iifePage({ tokenUrl, endpoint: emulator.url });
  server.page('/favicon.ico', '', 'image/x-icon'); // keeps 404 noise out of the console log
  server.page('/', page('/api/live-token'));
  server.page('/token-down.html', page('/api/token-down'));
  server.page('/token-apikey.html', page('/api/token-apikey'));
  // Control for the CSP recorder: an inline script the strict policy must block and report.
  server.page(
    '/inline.html',
    iifePage({
      tokenUrl: '/api/live-token',
      endpoint: emulator.url,
      extraHead: '<script>window.__inline = 1</script>',
    }),
  );
  return { name, server, tokens, reports };
}

beforeAll(async () => {
  [browser, emulator] = await Promise.all([
    launchChromium(),
    createEmulator({ speech: 'tone', vad: { silenceMs: 500 } }),
  ]);
  sites.push(await startSite('plain page', {}));
  sites.push(
    await startSite('strict-CSP page', {
      'Content-Security-Policy': strictCsp(Number(new URL(emulator.url).port)),
    }),
  );
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(sites.map((s) => s.server.close()));
  await emulator?.close();
});

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
  emulator.reset();
});

async function open(site: Site, path: string): Promise<{ page: Page; console: ConsoleLine[] }> {
  context = await browser.newContext();
  await context.addInitScript(recordPage);
  await context.addInitScript(trackResources);
  const page = await context.newPage();
  const lines = recordConsole(page);
  await page.goto(site.server.url + path);
  return { page, console: lines };
}

const record = (page: Page) =>
  page.evaluate(() => (window as unknown as { __record: PageRecord }).__record);

/** Shadow DOM caption text, and whether any element other than plain text nodes sneaked in. */
const captions = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('live-agent')!.shadowRoot!;
    const log = root.querySelector('[part="transcript"]')!;
    return {
      text: log.textContent ?? '',
      imgs: root.querySelectorAll('img').length + document.querySelectorAll('img').length,
    };
  });

/** Realtime audio frames a session received: byte length, mime type, dBFS, arrival time. */
function audioFrames(session: EmulatorSession) {
  return session.received.flatMap((f) => {
    const audio = (f.message?.realtimeInput as { audio?: { data: string; mimeType: string } })
      ?.audio;
    if (!audio) return [];
    const pcm = Buffer.from(audio.data, 'base64');
    let sum = 0;
    for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
    const rms = Math.sqrt(sum / Math.max(1, pcm.length / 2)) / 32768;
    return [
      { bytes: pcm.length, mimeType: audio.mimeType, db: 20 * Math.log10(rms + 1e-9), at: f.at },
    ];
  });
}

function expectNoCspViolations(site: Site, rec: PageRecord, lines: ConsoleLine[]): void {
  expect(rec.csp, 'securitypolicyviolation events').toEqual([]);
  expect(site.reports, 'CSP reports POSTed by Chromium').toEqual([]);
  const refused = lines.filter((l) => /Content Security Policy|Refused to/i.test(l.text));
  expect(refused, 'CSP console messages').toEqual([]);
}

describe.each(['plain page', 'strict-CSP page'])('IIFE via <script src> on a %s', (name) => {
  const site = () => sites.find((s) => s.name === name)!;

  test('loads only the IIFE before connect; defines <live-agent> and window.LiveAgent', async () => {
    const { page, console: lines } = await open(site(), '/');
    const globals = await page.evaluate(() => ({
      LiveAgent: typeof (window as unknown as { LiveAgent?: unknown }).LiveAgent,
      keys: Object.keys((window as unknown as { LiveAgent: object }).LiveAgent).sort(),
      defined: customElements.get('live-agent') !== undefined,
      upgraded: document.querySelector('live-agent')!.shadowRoot !== null,
      status: (document.querySelector('live-agent') as unknown as { status: string }).status,
    }));
    expect(globals.LiveAgent).toBe('object');
    expect(globals.keys).toEqual(expect.arrayContaining(['LiveAgentElement', 'createSession']));
    expect(globals).toMatchObject({ defined: true, upgraded: true, status: 'idle' });
    // Give any eager preloads a moment to show up before judging the request log.
    await page.waitForTimeout(300);
    const sdk = site()
      .server.requested('/dist/')
      .map((r) => r.path);
    expect(sdk).toEqual(['/dist/live-agent.iife.js']);
    expect(site().tokens.minted).toHaveLength(0);
    expectNoCspViolations(site(), await record(page), lines);
  });

  test('talks to the emulator: mic frames, played audio, text captions, a tool, goAway, disconnect leaves nothing', async () => {
    const s = site();
    const { page, console: lines } = await open(s, '/');
    const before = Date.now();
    await page.evaluate(async () => {
      const el = document.querySelector('live-agent') as unknown as {
        tools: unknown[];
        connect(): Promise<void>;
      };
      el.tools = [
        {
          name: 'get_time',
          description: 'Current time on the wall clock',
          parameters: { type: 'OBJECT', properties: {} },
          handler: () => ({ time: '12:00' }),
        },
      ];
      await el.connect();
    });
    const session = await emulator.waitForSession();
    expect(await page.evaluate(() => document.querySelector('live-agent')!.status)).toBe(
      'connected',
    );

    // Lazy files: requested on connect, from beside the script (the /dist/ folder).
    const lazy = s.server.requested('/dist/', before).map((r) => r.path);
    for (const file of LAZY_FILES) expect(lazy).toContain(`/dist/${file}`);
    expect(s.tokens.minted).toHaveLength(1);
    expect(session.credential).toEqual({ kind: 'token', value: s.tokens.minted[0] });

    // Output level: RMS the playback worklet measures on what it renders, sampled in the page.
    await page.evaluate(() => {
      const w = window as unknown as { __maxOut: number };
      w.__maxOut = 0;
      const el = document.querySelector('live-agent')!;
      setInterval(() => {
        const rms = el.session?.getLevels().output.rms ?? 0;
        w.__maxOut = Math.max(w.__maxOut, rms);
      }, 20);
    });

    // The fake mic plays "Testing one two three. What time is it?" then 1.5 s of silence, on loop.
    const turnDone = (f: { message?: Record<string, unknown> }) =>
      (f.message?.serverContent as { turnComplete?: boolean })?.turnComplete === true;
    await until('an audio turn answered', () => session.sent.some(turnDone), 15_000);
    const replyAudio = session.sent.filter((f) => f.raw.includes('audio/pcm;rate=24000'));
    expect(replyAudio.length).toBeGreaterThan(5);
    const frames = audioFrames(session);
    expect(frames.length).toBeGreaterThan(100);
    expect(new Set(frames.map((f) => f.mimeType))).toEqual(new Set(['audio/pcm;rate=16000']));
    expect(new Set(frames.map((f) => f.bytes))).toEqual(new Set([640]));
    // Continuous: after the first second, 20 ms frames arrive at real-time rate (±15 %).
    const steady = frames.filter((f) => f.at >= frames[0]!.at + 1000);
    const spanMs = steady.at(-1)!.at - steady[0]!.at;
    expect((steady.length - 1) * 20).toBeGreaterThan(spanMs * 0.85);
    expect((steady.length - 1) * 20).toBeLessThan(spanMs * 1.15 + 100);
    // Energy where the WAV speaks (> −35 dBFS for ≥ 0.5 s) and near-silence in its pause.
    expect(frames.filter((f) => f.db > -35).length).toBeGreaterThan(25);
    expect(frames.filter((f) => f.db < -50).length).toBeGreaterThan(25);

    const maxOut = await until(
      'played output level',
      () => page.evaluate(() => (window as unknown as { __maxOut: number }).__maxOut > 0.01),
      10_000,
    );
    expect(maxOut).toBe(true);
    const peak = await page.evaluate(() => (window as unknown as { __maxOut: number }).__maxOut);
    console.log(
      `${name}: ${frames.length} mic frames (${frames.filter((f) => f.db > -35).length} speech),` +
        ` ${replyAudio.length} reply audio chunks, played output peak RMS ${peak.toFixed(3)}`,
    );
    await until('the agent caption', async () => /I heard \d/.test((await captions(page)).text));

    // Quiet the mic so the looping WAV does not barge into the scripted turns below.
    await page.evaluate(() => document.querySelector('live-agent')!.session!.setMicEnabled(false));

    // Captions are text: HTML from the model must not become markup.
    const payload = '<img src=x onerror="window.__xss=1">';
    session.send({ serverContent: { outputTranscription: { text: payload } } });
    session.send({ serverContent: { turnComplete: true } });
    await until('the HTML caption', async () => (await captions(page)).text.includes(payload));
    await page.waitForTimeout(200); // an <img src=x> would have failed to load by now
    expect((await captions(page)).imgs).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBe(
      undefined,
    );

    // A tool: the model calls get_time, the page's handler answers, the agent reports it.
    await page.evaluate(() => document.querySelector('live-agent')!.sendText('call get_time'));
    const response = await session.waitForMessage('toolResponse');
    const call = session.sent
      .map((f) => f.message?.toolCall as { functionCalls: { id: string; name: string }[] })
      .find(Boolean)!.functionCalls[0]!;
    expect(call.name).toBe('get_time');
    const fr = (response.message!.toolResponse as { functionResponses: unknown[] })
      .functionResponses;
    expect(fr).toEqual([
      expect.objectContaining({
        id: call.id,
        name: 'get_time',
        response: { output: { time: '12:00' } },
      }),
    ]);
    await until('the tool answer caption', async () =>
      (await captions(page)).text.includes('get_time returned'),
    );

    // goAway: a fresh token from token-url, a new socket resuming with the last handle.
    const handles = session.sent
      .map((f) => (f.message?.sessionResumptionUpdate as { newHandle?: string })?.newHandle)
      .filter((h): h is string => !!h);
    expect(handles.length).toBeGreaterThan(0);
    await page.evaluate(() => document.querySelector('live-agent')!.session!.setMicEnabled(true));
    const mark = (await record(page)).events.length;
    session.goAway(1500);
    const next = await emulator.waitForSession({ timeoutMs: 10_000 });
    expect(s.tokens.minted).toHaveLength(2);
    expect(next.credential).toEqual({ kind: 'token', value: s.tokens.minted[1] });
    const setup = (await next.waitForMessage('setup')).message!.setup as {
      sessionResumption?: { handle?: string };
    };
    expect(setup.sessionResumption?.handle).toBe(handles.at(-1));
    await until('mic audio on the new connection', () => audioFrames(next).length > 25);
    await session.closed;
    const after = (await record(page)).events.slice(mark);
    expect(after.filter((e) => e.type === 'error')).toEqual([]);
    expect(after.map((e) => e.status).filter(Boolean)).not.toContain('error');
    expect(after.some((e) => e.type === 'resumed')).toBe(true);
    expect(await page.evaluate(() => document.querySelector('live-agent')!.status)).toBe(
      'connected',
    );

    // Disconnect leaves nothing running: no socket, worker, microphone track or AudioContext.
    await page.evaluate(() => document.querySelector('live-agent')!.disconnect());
    await next.closed;
    const left = await until('nothing left after disconnect', async () => {
      const r = await resources(page);
      return r.liveWorkers + r.openContexts + r.liveTracks === 0 && emulator.sessions.length === 0
        ? r
        : null;
    });
    expect(left.workers).toBeGreaterThan(0);
    expect(left.contexts).toBeGreaterThan(0);
    expect(left.tracks).toBeGreaterThan(0);

    expectNoCspViolations(s, await record(page), lines);
    expect(lines.filter((l) => l.type === 'pageerror')).toEqual([]);
  });

  test.each([
    ['/token-down.html', 'token-fetch-failed'],
    ['/token-apikey.html', 'api-key-refused'],
  ])('%s → status error, live-agent-error %s', async (path, code) => {
    const s = site();
    const { page, console: lines } = await open(s, path);
    const rejected = await page.evaluate(() =>
      document
        .querySelector('live-agent')!
        .connect()
        .then(
          () => null,
          (e: { code?: string }) => e.code ?? String(e),
        ),
    );
    expect(rejected).toBe(code);
    const rec = await record(page);
    const errors = rec.events.filter((e) => e.type === 'error');
    expect(errors.map((e) => e.code)).toContain(code);
    expect(errors.find((e) => e.code === code)?.fatal).toBe(true);
    expect(await page.evaluate(() => document.querySelector('live-agent')!.status)).toBe('error');
    const shown = await page.evaluate(() => {
      const el = document.querySelector('live-agent')!;
      return {
        status: el.shadowRoot!.querySelector('[part="status"]')!.textContent ?? '',
        html: document.documentElement.outerHTML + el.shadowRoot!.innerHTML,
      };
    });
    expect(shown.status.length).toBeGreaterThan(10);
    // The key never reaches the DOM, the console or the error the page sees.
    expect(shown.html).not.toContain(FAKE_API_KEY);
    expect(lines.map((l) => l.text).join('\n')).not.toContain(FAKE_API_KEY);
    expect(JSON.stringify(rec)).not.toContain(FAKE_API_KEY);
    expect(emulator.allSessions).toHaveLength(0);
    expectNoCspViolations(s, rec, lines);
  });

  test('camera: the video chunk and its worker load from beside the script; frames reach the emulator', async () => {
    const s = site();
    const { page, console: lines } = await open(s, '/');
    const before = Date.now();
    type El = {
      connect(): Promise<void>;
      session: {
        startVideo(source: 'camera', options: { fps: number }): Promise<void>;
        stopVideo(): void;
        setMicEnabled(on: boolean): void;
      };
    };
    await page.evaluate(async () => {
      const el = document.querySelector('live-agent') as unknown as El;
      await el.connect();
      el.session.setMicEnabled(false);
      await el.session.startVideo('camera', { fps: 2 }); // Chromium's fake camera
    });
    const session = await emulator.waitForSession();
    await until('video frames at the emulator', () => session.videoFrames >= 2, 15_000);
    expect(Math.max(session.lastVideo!.width, session.lastVideo!.height)).toBeLessThanOrEqual(768);
    const files = s.server.requested('/dist/', before).map((r) => r.path);
    expect(files).toContain('/dist/live-agent-video.js');
    expect(files).toContain('/dist/live-agent-video-encoder.worker.js');
    await page.evaluate(() =>
      (document.querySelector('live-agent') as unknown as El).session.stopVideo(),
    );
    const sent = session.videoFrames;
    await new Promise((r) => setTimeout(r, 1500));
    expect(session.videoFrames).toBeLessThanOrEqual(sent + 1); // one may have been on its way
    expectNoCspViolations(s, await record(page), lines);
  });
});

test('the strict policy is enforced and its violations are seen (control)', async () => {
  const s = sites[1]!;
  const { page, console: lines } = await open(s, '/inline.html');
  expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBe(
    undefined,
  );
  const rec = await record(page);
  expect(rec.csp.map((v) => v.directive)).toContain('script-src-elem');
  await until('the CSP report POST', () => s.reports.length > 0, 5000);
  expect(lines.some((l) => /Content Security Policy/i.test(l.text))).toBe(true);
  s.reports.length = 0;
});

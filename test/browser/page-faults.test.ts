/**
 * Device and page faults through `<live-agent>` with the real worker transport and Web Audio graph
 * against the emulator: each fault gives a typed error (or none, where the conversation can go
 * on), the element offers Talk/Retry again and a press connects and streams the microphone, and
 * nothing opened for the failed attempt stays open (tracks, AudioContexts, workers, sockets).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import type { LiveAgentError } from '../../src/core/errors.ts';
import { sourceMedia, sourceTransport, sourceWorker } from '../support/source-deps.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';
import { recordStreams } from '../support/media-spy.ts';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Chromium: freezes the page (CDP Page.setWebLifecycleState) for `ms`, then resumes it. */
    freezePage(ms: number): Promise<boolean>;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isChromium = navigator.userAgent.includes('Chrome/');

/** Every worker, AudioContext and microphone stream the element's sessions open. */
class Opened {
  readonly workers: Worker[] = [];
  terminated = 0;
  readonly contexts: AudioContext[] = [];
  readonly streams = recordStreams();
  private readonly RealContext = window.AudioContext;

  constructor() {
    const contexts = this.contexts;
    const Real = this.RealContext;
    window.AudioContext = class extends Real {
      constructor(options?: AudioContextOptions) {
        super(options);
        contexts.push(this);
      }
    };
  }

  worker = (): Worker => {
    const worker = sourceWorker();
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      this.terminated++;
      terminate();
    };
    this.workers.push(worker);
    return worker;
  };

  /** What is still open (all zeros once everything was released). */
  async leftOpen() {
    // Workers end once their socket closed, in the background: give them a moment.
    for (let i = 0; i < 60 && this.terminated < this.workers.length; i++) await sleep(50);
    return {
      tracks: this.streams.tracks().filter((t) => t.readyState !== 'ended').length,
      contexts: this.contexts.filter((c) => c.state !== 'closed').length,
      workers: this.workers.length - this.terminated,
      audioElements: document.querySelectorAll('audio[data-live-agent]').length,
    };
  }

  restore(): void {
    window.AudioContext = this.RealContext;
    this.streams.restore();
  }
}

let opened: Opened | undefined;
class FaultAgent extends LiveAgentElement {
  protected override createSessionDeps(): Promise<SessionDeps> {
    return Promise.resolve({ transport: sourceTransport(opened!.worker), media: sourceMedia() });
  }
}
customElements.define('fault-live-agent', FaultAgent);

const emulators: EmulatorControl[] = [];
const undo: (() => void)[] = [];
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) u();
  for (const el of document.querySelectorAll('fault-live-agent')) el.remove();
  opened?.restore();
  opened = undefined;
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function setup() {
  opened = new Opened();
  const emu = await startEmulator({ vad: { thresholdDb: 50 } });
  emulators.push(emu);
  const el = document.createElement('fault-live-agent') as FaultAgent;
  el.setAttribute('token-url', emu.tokenUrl());
  el.setAttribute('endpoint', emu.url);
  document.body.append(el);
  const errors: { code: string; fatal: boolean }[] = [];
  el.addEventListener('live-agent-error', (e) =>
    errors.push({ code: e.detail.error.code, fatal: e.detail.fatal }),
  );
  return { emu, el, errors, opened };
}

const part = (el: HTMLElement, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
const talkLabel = (el: HTMLElement) =>
  part(el, 'talk-button').getAttribute('aria-label') ?? part(el, 'talk-button').textContent;

/** Replaces `obj[key]` until the test ends. */
function patch<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): () => void {
  const own = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, { value, configurable: true, writable: true });
  const restore = () => {
    // Without an own property the value came from the prototype: drop the shadowing one.
    if (own) Object.defineProperty(obj, key, own);
    else Reflect.deleteProperty(obj, key);
  };
  undo.push(restore);
  return restore;
}

/** Audio frames the emulator received on its `index`th session. */
async function audioFrames(emu: EmulatorControl, index: number): Promise<number> {
  const received = await emu.session(index).received();
  return received.filter((f) => f.message?.realtimeInput?.audio).length;
}

/** Presses Talk and waits until the microphone streams to a new emulator session. */
async function pressTalkAndStream(el: FaultAgent, emu: EmulatorControl) {
  part(el, 'talk-button').click();
  await expect.poll(() => el.status, { timeout: 10_000 }).toBe('connected');
  const sessions = await emu.sessions();
  const index = sessions.length - 1;
  await expect.poll(() => audioFrames(emu, index), { timeout: 8000 }).toBeGreaterThan(10);
  return index;
}

/** Everything the failed attempt opened is closed, including the socket opened beside the mic. */
async function expectNothingLeft(emu: EmulatorControl, o: Opened) {
  expect(await o.leftOpen()).toEqual({ tracks: 0, contexts: 0, workers: 0, audioElements: 0 });
  await expect
    .poll(async () => (await emu.sessions()).filter((s) => s.open).length, { timeout: 5000 })
    .toBe(0);
}

describe('a connect that fails for the device or page', () => {
  const cases: [string, string, () => void][] = [
    [
      'microphone permission denied',
      'mic-denied',
      () => {
        patch(navigator.mediaDevices, 'getUserMedia', () =>
          Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
        );
      },
    ],
    [
      'no microphone',
      'no-device',
      () => {
        patch(navigator.mediaDevices, 'getUserMedia', () =>
          Promise.reject(new DOMException('Requested device not found', 'NotFoundError')),
        );
      },
    ],
    [
      'a microphone busy in another app',
      'device-error',
      () => {
        patch(navigator.mediaDevices, 'getUserMedia', () =>
          Promise.reject(new DOMException('Could not start audio source', 'NotReadableError')),
        );
      },
    ],
    [
      // A real insecure origin would need another origin than the test server's; the check the
      // SDK makes is this flag.
      'an insecure context (http:// other than localhost)',
      'insecure-context',
      () => void patch(window, 'isSecureContext', false),
    ],
    [
      'a browser without AudioWorklet (no AudioWorkletNode)',
      'unsupported',
      () => void patch(window, 'AudioWorkletNode' as keyof Window, undefined),
    ],
    [
      // No output device, or the browser's cap on live contexts: the constructor throws.
      'an AudioContext that cannot be created (after the mic opened)',
      'device-error',
      () =>
        void patch(window, 'AudioContext', function NoContext() {
          throw new DOMException('No audio output device', 'NotSupportedError');
        } as unknown as typeof AudioContext),
    ],
    [
      // The worklet module loaded but its processor is not there (a stale or foreign file).
      'a worklet node the browser refuses to create',
      'device-error',
      () =>
        void patch(window, 'AudioWorkletNode', function Refused() {
          throw new DOMException(
            "node name 'live-agent-capture' is not defined",
            'InvalidStateError',
          );
        } as unknown as typeof AudioWorkletNode),
    ],
    [
      // Safari before 14.1: AudioWorkletNode undefined is caught first; a context whose
      // audioWorklet is missing fails after the microphone and the context are open.
      'a context without audioWorklet (after the mic and context opened)',
      'unsupported',
      () => {
        const proto = BaseAudioContext.prototype;
        const own = Object.getOwnPropertyDescriptor(proto, 'audioWorklet')!;
        Object.defineProperty(proto, 'audioWorklet', { get: () => undefined, configurable: true });
        undo.push(() => Object.defineProperty(proto, 'audioWorklet', own));
      },
    ],
  ];

  // WebKit: JavaScriptCore's optimized code does not see the first redefinition of a Window
  // attribute (a probe reading `isSecureContext` after 200,000 warm-up reads kept reading true
  // after it was redefined false; cold code sees false). Once the SDK's check ran hot in the
  // suite, connect() succeeded although the test's own read said false. A real page's
  // isSecureContext never changes, so only this simulation is unreliable there; the check and
  // its mapping are engine-independent and run in Chromium and Firefox.
  const webkit = !/Chrome|Firefox/.test(navigator.userAgent);
  for (const [name, code, inject] of cases) {
    it.skipIf(webkit && code === 'insecure-context')(
      `${name} → ${code}; nothing left open; Retry connects`,
      async () => {
        const { emu, el, errors, opened: o } = await setup();
        inject();
        const error = await el.connect().then(
          () => null,
          (e: LiveAgentError) => e,
        );
        // What the page saw, should connect() not fail.
        const seen = {
          status: el.status,
          errors,
          secure: globalThis.isSecureContext,
          error: String(error),
        };
        expect(error?.code, JSON.stringify(seen)).toBe(code);
        expect(el.status).toBe('error');
        expect(errors).toContainEqual({ code, fatal: true });
        expect(part(el, 'status').hasAttribute('data-error')).toBe(true);
        expect(talkLabel(el)).toMatch(/retry/i);
        await expectNothingLeft(emu, o);

        for (const u of undo.splice(0).reverse()) u(); // the user fixed it
        await pressTalkAndStream(el, emu);
        await el.disconnect();
        await expectNothingLeft(emu, o);
      },
    );
  }
});

describe('faults during a conversation', () => {
  it('a microphone unplugged with none to replace it: a non-fatal device-error, then Talk again works', async () => {
    const { emu, el, errors, opened: o } = await setup();
    await el.connect();
    const index = (await emu.sessions()).length - 1;
    await expect.poll(() => audioFrames(emu, index), { timeout: 8000 }).toBeGreaterThan(10);
    const track = o.streams.streams[0]!.getAudioTracks()[0]!;
    patch(navigator.mediaDevices, 'getUserMedia', () =>
      Promise.reject(new DOMException('Requested device not found', 'NotFoundError')),
    );
    track.stop(); // stop() fires no `ended`: the unplug is the event
    track.dispatchEvent(new Event('ended'));
    await expect
      .poll(() => errors, { timeout: 5000 })
      .toContainEqual({
        code: 'device-error',
        fatal: false,
      });
    // The conversation goes on (text, the model's voice) while there is no microphone.
    expect(el.status).toBe('connected');
    await (await emu.waitSession()).say('still here');
    await expect
      .poll(() => part(el, 'transcript').textContent ?? '', { timeout: 10_000 })
      .toContain('still here');

    for (const u of undo.splice(0).reverse()) u(); // plugged back in
    part(el, 'talk-button').click(); // ends the call
    await expect.poll(() => el.status).toBe('closed');
    await expectNothingLeft(emu, o);
    await pressTalkAndStream(el, emu);
    await el.disconnect();
    await expectNothingLeft(emu, o);
  });

  it('a hidden tab keeps the conversation: the mic streams and the reply plays, hidden and visible', async () => {
    const { emu, el, opened: o } = await setup();
    await el.connect();
    const live = await emu.waitSession();
    const hide = patch(document, 'visibilityState', 'hidden' as DocumentVisibilityState);
    const unhide = patch(document, 'hidden', true);
    document.dispatchEvent(new Event('visibilitychange'));
    const before = await audioFrames(emu, live.index);
    await expect
      .poll(() => audioFrames(emu, live.index), { timeout: 5000 })
      .toBeGreaterThan(before + 25);
    await live.say('while hidden');
    await expect
      .poll(() => el.session!.getPlayback().playedMs, { timeout: 10_000 })
      .toBeGreaterThan(200);
    hide();
    unhide();
    document.dispatchEvent(new Event('visibilitychange'));
    expect(el.status).toBe('connected');
    const after = await audioFrames(emu, live.index);
    await expect
      .poll(() => audioFrames(emu, live.index), { timeout: 5000 })
      .toBeGreaterThan(after + 25);
    await el.disconnect();
    await expectNothingLeft(emu, o);
  });

  it.runIf(isChromium)(
    'a page frozen for 3 s and resumed (CDP lifecycle) carries on: connected, mic streams, replies play',
    async () => {
      const { emu, el, errors, opened: o } = await setup();
      await el.connect();
      const live = await emu.waitSession();
      await expect.poll(() => audioFrames(emu, live.index), { timeout: 8000 }).toBeGreaterThan(10);
      const frozenAt = Date.now();
      expect(await commands.freezePage(3000)).toBe(true);
      expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(2900);
      await expect.poll(() => el.status, { timeout: 10_000 }).toBe('connected');
      const sessions = await emu.sessions();
      const current = sessions.length - 1;
      const after = await audioFrames(emu, current);
      await expect
        .poll(() => audioFrames(emu, current), { timeout: 8000 })
        .toBeGreaterThan(after + 25);
      await emu.session(current).say('after the freeze');
      await expect
        .poll(() => part(el, 'transcript').textContent ?? '', { timeout: 10_000 })
        .toContain('after the freeze');
      expect(errors.filter((e) => e.fatal)).toEqual([]);
      await el.disconnect();
      await expectNothingLeft(emu, o);
    },
  );

  it('bfcache: pagehide (persisted) ends the call and frees the mic; on pageshow Talk connects again', async () => {
    // A real back/forward navigation would unload the test runner's frame: the events are the
    // page's whole view of it, so they are dispatched here.
    const { emu, el, errors, opened: o } = await setup();
    await el.connect();
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await expect.poll(() => el.status, { timeout: 5000 }).toBe('closed');
    await expectNothingLeft(emu, o);
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    expect(el.status).toBe('closed');
    expect(talkLabel(el)).not.toMatch(/retry/i);
    expect(errors).toEqual([]);
    await pressTalkAndStream(el, emu);
    await el.disconnect();
    await expectNothingLeft(emu, o);
  });
});

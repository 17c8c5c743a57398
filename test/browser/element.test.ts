/**
 * `<live-agent>` UI logic in real engines, driven by the public fakes (FakeTransport, FakeMedia)
 * through a test subclass: states and labels, untrusted text, push-to-talk, mute, gestures,
 * events, several instances, removal, keyboard access and axe-core.
 */
import { afterEach, describe, expect, it } from 'vitest';
import axe from 'axe-core';
import '../../src/element/index.ts';
import { LiveAgentElement, LiveAgentEvent, type SessionDeps } from '../../src/element/index.ts';
import { AuthError } from '../../src/core/errors.ts';
import { FakeMedia, FakeTransport } from '../../src/testing/index.ts';
import { STYLES, applyStyles } from '../../src/element/styles.ts';
import type { ClientMessage } from '../../src/core/wire.ts';
import { mount as mountTag, track, unmountAll } from '../support/mount.ts';

const isFirefox = navigator.userAgent.includes('Firefox');

/** `<live-agent>` with fakes: each new session gets a fresh FakeTransport and FakeMedia. */
class TestAgent extends LiveAgentElement {
  transport = new FakeTransport();
  media = new FakeMedia();
  tokenRequests: { url: string; method: string }[] = [];
  /** Runs on each new pair of fakes, before the session uses them. */
  prepare: (transport: FakeTransport, media: FakeMedia) => void = () => undefined;
  protected override createSessionDeps(): Promise<SessionDeps> {
    this.transport = new FakeTransport();
    this.media = new FakeMedia();
    this.prepare(this.transport, this.media);
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      this.tokenRequests.push({ url: String(input), method: init?.method ?? 'GET' });
      return Response.json({ token: `auth_tokens/t${this.tokenRequests.length}` });
    };
    return Promise.resolve({ transport: this.transport, media: this.media, fetch });
  }
}
customElements.define('test-live-agent', TestAgent);

afterEach(unmountAll);

const mount = (attrs: Record<string, string> = {}) =>
  mountTag<TestAgent>('test-live-agent', { 'token-url': '/api/live-token', ...attrs });

const part = (el: HTMLElement, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
const talk = (el: HTMLElement) => part(el, 'talk-button') as HTMLButtonElement;
const label = (el: HTMLElement) => talk(el).textContent;
const tick = () => new Promise((r) => setTimeout(r, 0));
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
const realtime = (sent: ClientMessage[]) =>
  sent.flatMap((m) => ('realtimeInput' in m ? Object.keys(m.realtimeInput) : []));

async function connected(attrs: Record<string, string> = {}) {
  const el = mount(attrs);
  await el.connect();
  return el;
}

describe('<live-agent> states', () => {
  it('is registered and typed as live-agent', () => {
    const el = document.createElement('live-agent');
    expect(el).toBeInstanceOf(LiveAgentElement);
    expect(el.status).toBe('idle');
    expect(el.session).toBeNull();
  });

  it('shows idle → connecting → listening → closed on the talk button', async () => {
    const el = mount();
    el.prepare = (t) => (t.delaySetup = true);
    expect(label(el)).toBe('Talk');
    expect(talk(el).getAttribute('aria-pressed')).toBe('false');
    const statuses: string[] = [];
    el.addEventListener('live-agent-status', (e) => statuses.push(e.detail.status));
    const pending = el.connect();
    await until(() => el.transport.pendingOpens > 0);
    expect(el.status).toBe('connecting');
    expect(label(el)).toBe('Connecting…');
    expect(talk(el).getAttribute('aria-pressed')).toBe('true');
    el.transport.completeSetup();
    await pending;
    expect(el.status).toBe('connected');
    expect(label(el)).toBe('Listening');
    expect(part(el, 'status').textContent).toContain('Listening');
    talk(el).click();
    await until(() => el.status === 'closed');
    expect(label(el)).toBe('Talk');
    expect(talk(el).getAttribute('aria-pressed')).toBe('false');
    expect(statuses).toEqual(['connecting', 'connected', 'closed']);
  });

  it('shows the user being heard, then the agent speaking', async () => {
    const el = await connected();
    el.transport.serverSend({ serverContent: { inputTranscription: { text: 'Hello' } } });
    expect(label(el)).toBe('Hearing you');
    el.transport.serverSend({
      serverContent: {
        modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } }] },
      },
    });
    expect(label(el)).toBe('Agent speaking');
    expect(talk(el).dataset.state).toBe('speaking');
    el.transport.serverSend({ serverContent: { turnComplete: true } });
    expect(label(el)).toBe('Listening');
  });

  it('shows the error and a Retry button, and retries on click', async () => {
    const el = mount();
    let failures = 1;
    el.prepare = (t) => {
      if (failures-- > 0) t.failNextOpen(AuthError.rejected('token revoked'));
    };
    const errors: LiveAgentEvent<'error'>[] = [];
    el.addEventListener('live-agent-error', (e) => errors.push(e));
    await expect(el.connect()).rejects.toMatchObject({ code: 'auth-rejected' });
    expect(el.status).toBe('error');
    expect(label(el)).toBe('Retry');
    expect(part(el, 'status').textContent).toContain('token revoked');
    expect(part(el, 'status').hasAttribute('data-error')).toBe(true);
    expect(errors.some((e) => e.detail.error.code === 'auth-rejected')).toBe(true);
    talk(el).click();
    await until(() => el.status === 'connected');
  });

  it('reports a missing token-url as live-agent-error and an error state', async () => {
    const el = mountTag<TestAgent>('test-live-agent', {});
    const seen: string[] = [];
    el.addEventListener('live-agent-error', (e) => seen.push(e.detail.error.code));
    await expect(el.connect()).rejects.toMatchObject({ code: 'token-invalid' });
    expect(seen).toEqual(['token-invalid']);
    expect(el.status).toBe('error');
    expect(label(el)).toBe('Retry');
  });

  it('counts down after goAway', async () => {
    const el = await connected();
    el.transport.delaySetup = true; // the hand-off connection stays pending: the countdown shows
    el.transport.serverSend({ goAway: { timeLeft: '30s' } });
    await tick();
    expect(part(el, 'status').textContent).toMatch(/Renewing connection in (29|30) s/);
  });
});

describe('<live-agent> transcript', () => {
  it('renders untrusted HTML in transcriptions as text', async () => {
    const el = await connected();
    const payload = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    el.transport.serverSend({ serverContent: { inputTranscription: { text: payload } } });
    el.transport.serverSend({ serverContent: { outputTranscription: { text: payload } } });
    await new Promise((r) => setTimeout(r, 50));
    const log = part(el, 'transcript');
    expect(log.querySelector('img, b')).toBeNull();
    expect(log.textContent).toContain(payload);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    expect(log.querySelectorAll('[data-role=user]').length).toBe(1);
    expect(log.querySelectorAll('[data-role=model]').length).toBe(1);
  });

  it('styles partial turns and marks them final on turnComplete; dispatches transcript events', async () => {
    const el = await connected();
    const events: LiveAgentEvent<'transcript'>[] = [];
    el.addEventListener('live-agent-transcript', (e) => events.push(e));
    el.transport.serverSend({ serverContent: { outputTranscription: { text: 'Hello ' } } });
    el.transport.serverSend({ serverContent: { outputTranscription: { text: 'there' } } });
    const turn = () => part(el, 'transcript').querySelector<HTMLElement>('[data-role=model]')!;
    expect(turn().dataset.final).toBe('false');
    expect(turn().textContent).toContain('Hello there');
    expect(getComputedStyle(turn()).fontStyle).toBe('italic');
    el.transport.serverSend({ serverContent: { turnComplete: true } });
    expect(turn().dataset.final).toBe('true');
    expect(events.at(-1)!.detail.turn.text).toBe('Hello there');
    expect(events.at(-1)).toBeInstanceOf(LiveAgentEvent);
    expect(events.at(-1)!.bubbles && events.at(-1)!.composed).toBe(true);
  });

  it('sends typed text, shows it as a user turn, and hides the log with transcript="hide"', async () => {
    const el = await connected();
    const input = part(el, 'input') as HTMLInputElement;
    input.value = 'What time is it?';
    (part(el, 'form') as HTMLFormElement).requestSubmit();
    await tick();
    expect(el.transport.sent.some((m) => 'clientContent' in m)).toBe(true);
    expect(part(el, 'transcript').textContent).toContain('What time is it?');
    expect(input.value).toBe('');
    el.setAttribute('transcript', 'hide');
    expect(getComputedStyle(part(el, 'transcript')).display).toBe('none');
  });
});

describe('<live-agent> controls', () => {
  it('push-to-talk: holding Space on the talk button sends activityStart/activityEnd', async () => {
    const el = await connected({ mode: 'push-to-talk' });
    expect(
      el.transport.lastConnection.params.config.realtimeInputConfig?.automaticActivityDetection
        ?.disabled,
    ).toBe(true);
    const button = talk(el);
    expect(label(el)).toBe('Hold to talk');
    expect(part(el, 'end-button').hidden).toBe(false);
    button.focus();
    button.dispatchEvent(
      new KeyboardEvent('keydown', { key: ' ', bubbles: true, cancelable: true }),
    );
    button.dispatchEvent(
      new KeyboardEvent('keydown', { key: ' ', repeat: true, bubbles: true, cancelable: true }),
    );
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(label(el)).toBe('Talking…');
    button.dispatchEvent(new KeyboardEvent('keyup', { key: ' ', bubbles: true, cancelable: true }));
    expect(button.getAttribute('aria-pressed')).toBe('false');
    expect(realtime(el.transport.sent)).toEqual(['activityStart', 'activityEnd']);
    // Pointer hold does the same; a click on the talk button does not hang up.
    button.dispatchEvent(
      new PointerEvent('pointerdown', { button: 0, pointerId: 1, bubbles: true }),
    );
    button.dispatchEvent(new PointerEvent('pointerup', { button: 0, pointerId: 1, bubbles: true }));
    button.click();
    expect(realtime(el.transport.sent)).toEqual([
      'activityStart',
      'activityEnd',
      'activityStart',
      'activityEnd',
    ]);
    expect(el.status).toBe('connected');
    part(el, 'end-button').click();
    await until(() => el.status === 'closed');
  });

  it('mute toggles the microphone with aria-pressed', async () => {
    const el = await connected();
    const mute = part(el, 'mute-button');
    expect(mute.hidden).toBe(false);
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    mute.click();
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    expect(el.media.micCalls.at(-1)).toBe(false);
    expect(part(el, 'status').textContent).toBe('Microphone muted');
    mute.click();
    expect(el.media.micCalls.at(-1)).toBe(true);
  });

  it('offers "tap to enable audio" while needsGesture and resumes audio on click', async () => {
    const el = await connected();
    const button = part(el, 'gesture-button');
    expect(button.hidden).toBe(true);
    el.media.setNeedsGesture(true);
    expect(button.hidden).toBe(false);
    button.click();
    await tick();
    expect(el.media.resumed).toBe(1);
    expect(button.hidden).toBe(true);
  });

  it('animates levels from getLevels() while connected', async () => {
    const el = await connected();
    el.media.levels = { input: { rms: 0.25, peak: 0.5 }, output: { rms: 0, peak: 0 } };
    const canvas = part(el, 'levels').querySelector('canvas')!;
    // Alpha of a pixel half-way along the input (top) and output (bottom) bars, read from a
    // copy: where the engine can, the canvas belongs to the meter's worker.
    const alpha = (bar: number) => {
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(canvas, 0, 0);
      return ctx.getImageData(copy.width / 2, Math.round(copy.height * (bar ? 0.8 : 0.2)), 1, 1)
        .data[3]!;
    };
    await until(() => alpha(0) > 0);
    expect(alpha(1)).toBe(0);
    await el.disconnect();
    await until(() => alpha(0) === 0);
  });

  it('shows latency metrics on demand (button or metrics attribute)', async () => {
    const el = await connected();
    const panel = part(el, 'metrics');
    expect(panel.hidden).toBe(true);
    part(el, 'metrics-button').click();
    expect(el.hasAttribute('metrics')).toBe(true);
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toContain('Underruns');
    el.removeAttribute('metrics');
    expect(panel.hidden).toBe(true);
  });

  it('POSTs token-url before every connect and declares tools', async () => {
    const el = mount({ 'token-url': 'tokens/live' });
    el.tools = [{ name: 'get_time', description: 'Current time', handler: () => ({ now: 1 }) }];
    await el.connect();
    await el.disconnect();
    await el.connect();
    expect(el.tokenRequests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(el.tokenRequests[0]!.url).toBe(new URL('tokens/live', document.baseURI).href);
    const decl = el.transport.opens.at(-1)!.functionDeclarations;
    expect(decl.map((d) => d.name)).toEqual(['get_time']);
    expect(el.transport.opens.at(-1)!.credential.value).toBe('auth_tokens/t2');
  });

  it('maps voice, language, instructions and model attributes into the setup', async () => {
    const el = await connected({
      voice: 'Kore',
      language: 'de-DE',
      instructions: 'Be brief.',
      model: 'm-1',
      endpoint: 'http://127.0.0.1:9',
    });
    const open = el.transport.opens[0]!;
    expect(open.model).toBe('m-1');
    expect(open.endpoint).toBe('http://127.0.0.1:9');
    expect(open.config.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName).toBe('Kore');
    expect(open.config.speechConfig?.languageCode).toBe('de-DE');
    expect(open.config.systemInstruction).toBe('Be brief.');
    expect(open.config.outputAudioTranscription).toEqual({});
  });

  it('re-dispatches toolcall/toolresult as live-agent-* events', async () => {
    const el = mount();
    el.tools = [{ name: 'get_time', handler: () => ({ iso: 'now' }) }];
    await el.connect();
    const names: string[] = [];
    for (const n of ['live-agent-toolcall', 'live-agent-toolresult', 'live-agent-message'] as const)
      el.addEventListener(n, (e) => names.push(e.type));
    el.transport.serverSend({
      toolCall: { functionCalls: [{ id: 'c1', name: 'get_time', args: {} }] },
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(names).toContain('live-agent-toolcall');
    expect(names).toContain('live-agent-toolresult');
    expect(names).toContain('live-agent-message');
    expect(el.transport.sent.some((m) => 'toolResponse' in m)).toBe(true);
  });
});

describe('<live-agent> lifecycle', () => {
  it('runs several instances independently', async () => {
    const a = mount();
    const b = mount();
    await a.connect();
    expect(a.status).toBe('connected');
    expect(b.status).toBe('idle');
    await b.connect();
    expect(a.transport).not.toBe(b.transport);
    await a.disconnect();
    expect(b.status).toBe('connected');
    expect(label(b)).toBe('Listening');
  });

  it('removing the element disposes the session; moving it does not', async () => {
    const el = await connected();
    const transport = el.transport;
    const host = document.createElement('div');
    document.body.append(host);
    host.append(el); // a move: remove + insert in one task
    await tick();
    expect(el.status).toBe('connected');
    el.remove();
    host.remove();
    await tick();
    expect(el.session).toBeNull();
    await until(() => transport.disposed);
    expect(el.media.closed).toBeGreaterThan(0);
  });

  it('uses adopted stylesheets (not blocked by CSP style-src) shared by all instances', () => {
    const a = mount();
    const b = mount();
    expect(a.shadowRoot!.adoptedStyleSheets.length).toBe(1);
    expect(a.shadowRoot!.adoptedStyleSheets[0]).toBe(b.shadowRoot!.adoptedStyleSheets[0]);
    expect(a.shadowRoot!.querySelector('style')).toBeNull();
  });

  it("strict CSP (style-src 'none'): adopted sheets apply where a <style> element is blocked", async () => {
    const frame = document.createElement('iframe');
    frame.srcdoc =
      '<!doctype html><meta http-equiv="Content-Security-Policy" content="style-src \'none\'">' +
      '<body><div id="a"></div><div id="b"></div></body>';
    const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
    document.body.append(track(frame));
    await loaded;
    const doc = frame.contentDocument!;
    const hostA = doc.getElementById('a')!;
    applyStyles(hostA.attachShadow({ mode: 'open' }));
    const hostB = doc.getElementById('b')!;
    const style = doc.createElement('style');
    style.textContent = STYLES;
    hostB.attachShadow({ mode: 'open' }).append(style);
    const view = frame.contentWindow!;
    expect(view.getComputedStyle(hostA).paddingTop).toBe('12px');
    expect(view.getComputedStyle(hostB).paddingTop).toBe('0px');
  });
});

describe('<live-agent> accessibility', () => {
  it('uses native buttons and inputs with names; the caption log is aria-live polite', () => {
    const el = mount();
    const log = part(el, 'transcript');
    expect(log.getAttribute('aria-live')).toBe('polite');
    for (const b of el.shadowRoot!.querySelectorAll('button')) {
      expect(b.textContent!.trim().length).toBeGreaterThan(0);
    }
    expect(part(el, 'input').getAttribute('aria-label')).toBeTruthy();
  });

  it.skipIf(isFirefox)('is operable from the keyboard (Tab to Talk, Enter connects)', async () => {
    // userEvent is unreliable in the Firefox BiDi lane (docs/testing.md, Firefox).
    const { userEvent } = await import('vitest/browser');
    const el = mount();
    talk(el).focus();
    expect(el.shadowRoot!.activeElement).toBe(talk(el));
    await userEvent.keyboard('{Enter}');
    await until(() => el.status === 'connected');
    // In a call the next stop is End (visible in every mode), then Mute.
    await userEvent.tab();
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'end-button'));
    await userEvent.tab();
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'mute-button'));
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe violations (${theme}, idle and in conversation)`, async () => {
      const el = mount({ theme });
      let result = await axe.run(el);
      expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      await el.connect();
      el.setAttribute('metrics', '');
      el.transport.serverSend({ serverContent: { inputTranscription: { text: 'Hello' } } });
      el.transport.serverSend({
        serverContent: { outputTranscription: { text: 'Hi, how can I help?' } },
      });
      result = await axe.run(el);
      expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    });
  }
});

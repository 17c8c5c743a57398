/**
 * Pure parts of `<live-agent>` under happy-dom: importing the class registers nothing, state →
 * label/status mapping, attribute → session option mapping, and the IIFE's global surface.
 */
import { describe, expect, it, vi } from 'vitest';
import { LiveAgentElement } from '../../src/element/element.ts';
import { sessionOptions, type ElementInputs } from '../../src/element/options.ts';
import { buttonLabel, statusText, uiState } from '../../src/element/view.ts';
import { errorText, HINTS, QuietHints, WaitClock } from '../../src/element/hints.ts';
import { initialSnapshot } from '../../src/core/session-support.ts';
import { LiveAgentError } from '../../src/core/errors.ts';
import type { LiveAgentSnapshot } from '../../src/core/types.ts';
import { callUi } from '../../src/element/call-ui.ts';

const snap = (patch: Partial<LiveAgentSnapshot>): LiveAgentSnapshot => ({
  ...initialSnapshot(false),
  ...patch,
});
const ctx = { pushToTalk: false, holding: false, now: 1_000_000, ui: callUi };

describe('element module', () => {
  it('importing the class has no registration side effect', () => {
    expect(typeof LiveAgentElement).toBe('function');
    expect(customElements.get('live-agent')).toBeUndefined();
  });
});

describe('state → UI text', () => {
  it('maps statuses and speaking flags to button states and labels', () => {
    expect(uiState(snap({}))).toBe('idle');
    expect(uiState(snap({ status: 'closed' }))).toBe('idle');
    expect(uiState(snap({ status: 'connecting' }))).toBe('connecting');
    expect(uiState(snap({ status: 'connected' }))).toBe('listening');
    expect(uiState(snap({ status: 'connected', userSpeaking: true }))).toBe('hearing');
    expect(uiState(snap({ status: 'connected', agentSpeaking: true, userSpeaking: true }))).toBe(
      'speaking',
    );
    expect(uiState(snap({ status: 'reconnecting' }))).toBe('reconnecting');
    expect(uiState(snap({ status: 'error' }))).toBe('error');
    expect(buttonLabel('idle', ctx)).toBe('Talk');
    expect(buttonLabel('error', ctx)).toBe('Retry');
    expect(buttonLabel('listening', { pushToTalk: true, holding: false })).toBe('Hold to talk');
    expect(buttonLabel('speaking', { pushToTalk: true, holding: true })).toBe('Talking…');
    expect(buttonLabel('connecting', { pushToTalk: true, holding: false })).toBe('Connecting…');
  });

  it('writes status lines: goAway countdown, reconnect attempt, mute, error message', () => {
    const connected = snap({ status: 'connected' });
    expect(statusText({ ...connected, goAwayAt: ctx.now + 41_200 }, ctx)).toBe(
      'Renewing connection in 42 s',
    );
    expect(statusText({ ...connected, goAwayAt: ctx.now - 5 }, ctx)).toBe(
      'Renewing connection in 0 s',
    );
    expect(statusText(snap({ status: 'reconnecting', reconnectAttempt: 2 }), ctx)).toContain(
      'attempt 2',
    );
    expect(statusText({ ...connected, micEnabled: false }, ctx)).toBe('Microphone muted');
    expect(statusText({ ...connected }, { ...ctx, pushToTalk: true })).toContain('Space');
    const error = new LiveAgentError('mic-denied', 'Microphone permission was denied');
    expect(statusText(snap({ status: 'error', error }), ctx)).toBe(
      'Microphone permission was denied. Allow the microphone for this site, or type below.',
    );
  });

  it('names the failing endpoint in connect errors', () => {
    const where = { endpoint: 'http://127.0.0.1:9', tokenUrl: '/api/live-token' };
    const down = new LiveAgentError('token-fetch-failed', 'Token endpoint answered 503');
    expect(errorText(down, where)).toBe(
      'Could not get a token from /api/live-token: Token endpoint answered 503. ' +
        "Check that the token endpoint is running on this page's origin.",
    );
    const refused = new LiveAgentError('auth-rejected', 'token revoked');
    expect(errorText(refused, where)).toContain('The Live API at http://127.0.0.1:9 refused');
    expect(
      statusText(snap({ status: 'error', error: refused }), { ...ctx, endpoints: where }),
    ).toContain('http://127.0.0.1:9');
    expect(errorText(null, where)).toBe('Something went wrong');
  });

  it('tells which wait a quiet call is in, and since when', () => {
    const clock = new WaitClock();
    const call = snap({ status: 'connected' });
    expect(clock.update(snap({}), true, 0)).toBeNull();
    expect(clock.update(call, true, 1000)).toBe('heard');
    expect(clock.dueAt(8000)).toBe(9000);
    expect(clock.update(call, false, 2000)).toBeNull(); // push-to-talk or no mic: no 'heard' hint
    expect(clock.update({ ...call, micEnabled: false }, true, 2000)).toBeNull();
    expect(clock.update({ ...call, userSpeaking: true }, true, 3000)).toBeNull();
    expect(clock.update(call, true, 4000)).toBe('reply');
    expect(clock.dueAt(8000)).toBe(12_000);
    expect(clock.update({ ...call, agentSpeaking: true }, true, 5000)).toBeNull();
    expect(clock.update(call, true, 6000)).toBe('heard'); // the agent answered: the user's turn
    const turn = { id: 'm1', role: 'model' as const, text: 'Hi', final: true } as const;
    const done = { ...turn, interrupted: false, startedAt: 0, updatedAt: 0 };
    expect(clock.update({ ...call, transcript: [done] }, true, 7000)).toBe('heard');
    expect(clock.dueAt(8000)).toBe(15_000);
    expect(HINTS.heard).toMatch(/^Listening — nothing heard yet/);
    expect(HINTS.reply).toMatch(/^No reply yet/);
  });

  it('arms one hint timer per wait, however often the call renders', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const rerender = vi.fn();
      const hints = new QuietHints(rerender);
      const call = snap({ status: 'connected' });
      const arm = vi.spyOn(globalThis, 'setTimeout');
      // A conversation renders many times a second; the wait (and its due time) stays put.
      for (let t = 0; t < 5000; t += 50) {
        expect(hints.check(call, true, 8000, Date.now())).toBeNull();
        vi.advanceTimersByTime(50);
      }
      expect(arm).toHaveBeenCalledTimes(1);
      arm.mockRestore();
      vi.advanceTimersByTime(3000); // due at 8000
      expect(rerender).toHaveBeenCalledTimes(1);
      expect(hints.check(call, true, 8000, 8000)).toBe('heard');
      expect(vi.getTimerCount()).toBe(0);
      expect(hints.check({ ...call, userSpeaking: true }, true, 8000, 8100)).toBeNull();
      expect(vi.getTimerCount()).toBe(0);
      expect(hints.check(call, true, 8000, 8200)).toBeNull(); // a new wait: a new timer
      expect(vi.getTimerCount()).toBe(1);
      hints.stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('attributes → session options', () => {
  const input = (
    attrs: Record<string, string>,
    extra: Partial<ElementInputs> = {},
  ): ElementInputs => ({
    attr: (name) => attrs[name] ?? null,
    token: undefined,
    config: undefined,
    tools: [],
    baseUrl: 'https://app.example/voice/page.html',
    ...extra,
  });

  it('resolves token-url against the page and defaults to audio with transcripts', () => {
    const o = sessionOptions(input({ 'token-url': '../api/live-token' }));
    expect(o.token).toEqual({ url: 'https://app.example/api/live-token' });
    expect(o.mode).toBe('vad');
    expect(o.config).toMatchObject({
      responseModalities: ['AUDIO'],
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    });
    expect('endpoint' in o).toBe(false);
  });

  it('lets voice, language and instructions override the config property', () => {
    const o = sessionOptions(
      input(
        {
          'token-url': '/t',
          voice: 'Puck',
          language: 'fr-FR',
          instructions: 'Hi',
          mode: 'push-to-talk',
        },
        { config: { temperature: 0.3, speechConfig: { languageCode: 'en-US' } } },
      ),
    );
    expect(o.mode).toBe('push-to-talk');
    expect(o.config?.temperature).toBe(0.3);
    expect(o.config?.speechConfig).toEqual({
      languageCode: 'fr-FR',
      voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } },
    });
    expect(o.config?.systemInstruction).toBe('Hi');
  });

  it('prefers the token property, and needs one of the two', () => {
    const fn = async () => 'auth_tokens/x';
    expect(sessionOptions(input({ 'token-url': '/t' }, { token: fn })).token).toBe(fn);
    expect(() => sessionOptions(input({}))).toThrowError(
      expect.objectContaining({ code: 'token-invalid' }),
    );
  });
});

describe('script-tag entry', () => {
  it('registers <live-agent> and exposes the LiveAgent surface with the package version', async () => {
    const pkg = (await import('../../package.json')).default as { version: string };
    const iife = await import('../../src/element/iife.ts');
    expect(customElements.get('live-agent')).toBe(iife.LiveAgentElement);
    expect(iife.version).toBe(pkg.version);
    expect(iife.LIVE_AGENT_TAG).toBe('live-agent');
    expect(iife.LIVE_AGENT_DOM_EVENTS).toContain('live-agent-error');
    expect(iife.LIVE_AGENT_DOM_EVENTS).not.toContain('error');
    expect(typeof iife.LiveAgentSession).toBe('function');
    expect(typeof iife.LiveAgentElement.depsLoader).toBe('function');
  });
});

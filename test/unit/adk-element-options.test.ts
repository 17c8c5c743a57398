/** `<live-agent transport="adk">` attributes → the ADK target and session options. */
import { describe, expect, it } from 'vitest';
import { adkTarget, sessionOptions } from '../../src/element/options.ts';

const attrs = (a: Record<string, string>) => (name: string) => a[name] ?? null;

describe('transport="adk" attributes', () => {
  it('reads endpoint, app-name, user-id, session-id; needs no token; never push-to-talk', () => {
    const attr = attrs({
      transport: 'adk',
      endpoint: 'https://agents.example',
      'app-name': 'app',
      'user-id': 'u1',
      'session-id': 's1',
      mode: 'push-to-talk',
    });
    expect(adkTarget(attr)).toEqual({
      endpoint: 'https://agents.example',
      appName: 'app',
      userId: 'u1',
      sessionId: 's1',
    });
    const options = sessionOptions({
      attr,
      token: undefined,
      config: undefined,
      tools: [],
      baseUrl: 'https://page.example/',
    });
    expect(options.mode).toBe('vad');
    expect(typeof options.token).toBe('string');
  });

  it('is absent for the Gemini transport and a typed error when incomplete', () => {
    expect(adkTarget(attrs({ endpoint: 'https://x' }))).toBeUndefined();
    expect(() => adkTarget(attrs({ transport: 'adk', endpoint: 'https://x' }))).toThrow(
      expect.objectContaining({ code: 'invalid-request' }),
    );
  });
});

/** The ADK codec and URLs on their own: strict requests, lenient events, typed closes. */
import { describe, expect, it } from 'vitest';
import { reviveError } from '../../src/core/errors.ts';
import {
  AdkDecoder,
  adkDetails,
  encodeAdkIntent,
  serializeAdkRequest,
  toStandardBase64,
} from '../../src/transport/adk/codec.ts';
import {
  adkCloseError,
  adkHandshakeError,
  redactAdkUrl,
  runLiveUrl,
  sessionUrl,
} from '../../src/transport/adk/wire.ts';

describe('ADK requests', () => {
  it('writes snake_case LiveRequests and refuses what ADK would choke on', () => {
    expect(encodeAdkIntent({ type: 'audio', data: 'AAA=', sampleRate: 16000 })).toEqual({
      blob: { mime_type: 'audio/pcm;rate=16000', data: 'AAA=' },
    });
    expect(encodeAdkIntent({ type: 'video', data: 'AAAA', mimeType: 'image/jpeg' })).toEqual({
      blob: { mime_type: 'image/jpeg', data: 'AAAA' },
    });
    expect(encodeAdkIntent({ type: 'text', text: 'hi', realtime: true })).toEqual({
      content: { role: 'user', parts: [{ text: 'hi' }] },
    });
    const bad = [
      () => encodeAdkIntent({ type: 'audio', data: 'A-_', sampleRate: 16000 }),
      () => encodeAdkIntent({ type: 'audio', data: 'AAAA', sampleRate: 0 }),
      () => encodeAdkIntent({ type: 'text', text: '', realtime: false }),
      () => encodeAdkIntent({ type: 'video', data: 'AAAA', mimeType: 'video/webm' }),
      () => serializeAdkRequest({ activityStart: {} }),
      () => serializeAdkRequest({ blob: {}, content: {} }),
    ];
    for (const fn of bad) expect(fn).toThrow(expect.objectContaining({ code: 'invalid-request' }));
    for (const type of ['toolResponses', 'activityStart', 'activityEnd', 'audioStreamEnd'] as const)
      expect(() => encodeAdkIntent({ type, responses: [] } as never)).toThrow(
        expect.objectContaining({ code: 'unsupported' }),
      );
  });
});

describe('ADK events', () => {
  it('re-pads URL-safe and unpadded base64', () => {
    expect(toStandardBase64('-_8')).toBe('+/8=');
    expect(toStandardBase64('-_8=')).toBe('+/8=');
    expect(atob(toStandardBase64('AAEC'))).toHaveLength(3);
  });

  it('missing partial is a delta, missing finished is not final, the aggregate adds only the rest', () => {
    const d = new AdkDecoder();
    expect(d.decode({ outputTranscription: { text: 'Hi ' } })).toEqual([
      { type: 'transcription', speaker: 'model', text: 'Hi ', finished: false },
    ]);
    d.decode({ partial: true, outputTranscription: { text: 'you', finished: false } });
    expect(
      d.decode({ partial: false, outputTranscription: { text: 'Hi you.', finished: true } }),
    ).toEqual([{ type: 'transcription', speaker: 'model', text: '.', finished: false }]);
    d.decode({ inputTranscription: { text: 'a b' } });
    expect(
      d.decode({ partial: false, inputTranscription: { text: 'A B', finished: true } }),
    ).toEqual([{ type: 'transcription', speaker: 'user', finished: true }]);
  });

  it('errorCode events are non-fatal typed errors; ADK-only fields are read', () => {
    const [event] = new AdkDecoder().decode({ errorCode: 'SAFETY', errorMessage: 'blocked' });
    expect(event?.type).toBe('error');
    const error = reviveError((event as { error: Parameters<typeof reviveError>[0] }).error);
    expect(error).toMatchObject({ code: 'server-error' });
    expect(error.message).toContain('SAFETY: blocked');
    const details = adkDetails({
      author: 'a',
      actions: { transferToAgent: 'b' },
      longRunningToolIds: ['t1'],
      content: { parts: [{ functionCall: { id: 't1', name: 'f', args: { x: 1 } } }] },
    });
    expect(details).toMatchObject({
      author: 'a',
      transferTo: 'b',
      longRunningToolIds: ['t1'],
      tools: [{ kind: 'call', id: 't1', name: 'f', data: { x: 1 } }],
    });
  });

  it('user-role content (function responses) is not model output, only a server tool result', () => {
    const events = new AdkDecoder().decode({
      content: { role: 'user', parts: [{ text: 'x' }, { functionResponse: { name: 'f' } }] },
    });
    expect(events).toEqual([{ type: 'serverToolResult', id: '', name: 'f', response: {} }]);
  });
});

describe('ADK URLs and closes', () => {
  it('builds the REST and socket URLs under a prefix, ticket redacted for logs', () => {
    const ids = { appName: 'a b', userId: 'u', sessionId: 's/1' };
    expect(sessionUrl('https://x.example/adk/', ids)).toBe(
      'https://x.example/adk/apps/a%20b/users/u/sessions/s%2F1',
    );
    const url = runLiveUrl('https://x.example/adk', ids, { ticket: 'secret' });
    expect(url).toBe(
      'wss://x.example/adk/run_live?app_name=a+b&user_id=u&session_id=s%2F1&modalities=AUDIO&ticket=secret',
    );
    expect(redactAdkUrl(url)).not.toContain('secret');
    expect(runLiveUrl('http://127.0.0.1:8000', ids, {})).toMatch(
      /^ws:\/\/127\.0\.0\.1:8000\/run_live\?/,
    );
  });

  it('maps close codes to typed errors and explains a refused handshake', () => {
    expect(adkCloseError(1002, 'Session not found')).toMatchObject({
      code: 'invalid-request',
      retryable: false,
    });
    expect(adkCloseError(1011, 'boom')).toMatchObject({ code: 'server-error', retryable: true });
    expect(adkCloseError(1008, 'Ticket expired')).toMatchObject({ code: 'auth-rejected' });
    const handshake = adkHandshakeError(1006, '');
    expect(handshake).toMatchObject({ code: 'auth-rejected', retryable: false });
    expect(handshake.message).toContain('--allow_origins');
  });
});

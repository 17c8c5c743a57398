/**
 * The differences between the recorded ADK 1.18 and 2.x `/run_live` sessions that
 * test/fixtures/adk-run-live-2/README.md lists, and the ADK 1.18 + google-genai 1.75 subset: a
 * transport written against that list rests on the data.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADK_SETS,
  loadAdkSet,
  loadVersions,
  pick,
  serverEvents,
  transcript,
  type AdkEvent as Event,
} from '../support/adk-recordings.ts';

const sets = loadVersions();
type Version = keyof typeof sets;
const rec = (version: Version, name: string) => pick(sets[version], name);

describe('differences between ADK 1.18 and 2.x (see adk-run-live-2/README.md)', () => {
  const events = (v: Version, name: string) => serverEvents(rec(v, name)) as Event[];

  it('2.x adds a final transcription event (partial false, finished true, whole text); 1.18 never did here', () => {
    const finals = (v: Version) =>
      [...sets[v].values()]
        .flatMap((r) => serverEvents(r) as Event[])
        .filter(
          (e) =>
            transcript(e, 'outputTranscription')?.finished ||
            transcript(e, 'inputTranscription')?.finished,
        );
    expect(finals('1.18')).toEqual([]);
    const final = events('2.x', 'text_turn').find(
      (e) => transcript(e, 'outputTranscription')?.finished,
    );
    expect(final?.partial).toBe(false);
    expect(transcript(final!, 'outputTranscription')?.text).toBe('You said: hello there');
  });

  it("input transcription events are authored by the agent in 1.18 and by 'user' in 2.x", () => {
    const authors = (v: Version) =>
      new Set(
        events(v, 'audio_turn')
          .filter((e) => transcript(e, 'inputTranscription'))
          .map((e) => e.author),
      );
    expect([...authors('1.18')]).toEqual(['echo_agent']);
    expect([...authors('2.x')]).toEqual(['user']);
  });

  it('2.x adds modelVersion to model events and nodeInfo to every event', () => {
    const has = (v: Version, key: string) => events(v, 'text_turn').filter((e) => key in e).length;
    expect(has('1.18', 'modelVersion')).toBe(0);
    expect(has('1.18', 'nodeInfo')).toBe(0);
    expect(has('2.x', 'modelVersion')).toBeGreaterThan(0);
    expect(has('2.x', 'nodeInfo')).toBe(events('2.x', 'text_turn').length);
  });

  it('unknown app: 1.18 closes 1011 with the exception text, 2.x drops TCP without a close frame', () => {
    const close = (v: Version) => rec(v, 'unknown_app_1011').sockets[0]?.close;
    expect(close('1.18')?.code).toBe(1011);
    expect(close('1.18')?.reason).toMatch(/^No root_agent found for 'no_such_app'/);
    expect(Buffer.byteLength(close('1.18')?.reason ?? '')).toBeLessThanOrEqual(123);
    expect(close('2.x')?.code).toBe(1006);
  });

  it('a model error closes 1011 in both, with the google-genai error text (formats differ)', () => {
    const close = (v: Version) => rec(v, 'activity_start_1011').sockets[0]?.close;
    expect(close('1.18')).toMatchObject({ code: 1011 });
    expect(close('1.18')?.reason).toMatch(/^received 1007 \(invalid frame payload data\) Request/);
    expect(close('2.x')).toEqual({
      code: 1011,
      reason: '1007 None. Request contains an invalid argument.',
    });
  });

  it('the model ending its connection: 1.18 closes 1011, 2.x reconnects the model and keeps the socket', () => {
    const socket = (v: Version) => rec(v, 'model_close_1011').sockets[0];
    expect(socket('1.18')?.close?.code).toBe(1011);
    expect(socket('1.18')?.close?.reason).toMatch(/Deadline expired/);
    expect(socket('2.x')?.close).toBeUndefined();
    expect(socket('2.x')?.clientClose?.code).toBe(1000);
  });

  it('{"close":true}: 1.18 keeps answering on a new model connection, 2.x answers nothing more', () => {
    const turns = (v: Version) => events(v, 'close_request').filter((e) => e.turnComplete).length;
    expect(turns('1.18')).toBe(2);
    expect(turns('2.x')).toBe(1);
  });

  it('a server-side tool: 2.x ends a turn at the call (turnComplete before the spoken answer)', () => {
    const kinds = (v: Version) =>
      events(v, 'tool_call')
        .map((e) =>
          e.content?.parts?.[0]?.functionCall
            ? 'call'
            : e.content?.parts?.[0]?.functionResponse
              ? 'response'
              : e.turnComplete
                ? 'turnComplete'
                : undefined,
        )
        .filter((k) => k !== undefined);
    expect(kinds('1.18')).toEqual(['call', 'response', 'turnComplete']);
    expect(kinds('2.x')).toEqual(['call', 'response', 'turnComplete', 'turnComplete']);
  });

  it('2.x stores the user text and final transcriptions in the session; 1.18 did not', () => {
    const stored = (v: Version) => {
      const line = rec(v, 'reconnect_same_session').rest.find((l) => l.startsWith('# REST GET'));
      const body = JSON.parse(line?.split(' -> 200 ')[1] ?? '{}') as { events: Event[] };
      return body.events.map((e) => e.author);
    };
    expect(stored('1.18')).not.toContain('user');
    expect(stored('2.x').filter((a) => a === 'user')).toHaveLength(2);
  });

  it('REST: 2.x refuses disallowed origins with 403 (preflight, simple POST, WebSocket handshake)', () => {
    const rest = (v: Version) => readFileSync(resolve(ADK_SETS[v], 'rest.log'), 'utf8');
    expect(rest('1.18')).toMatch(/OPTIONS .*evil\.example.* -> 400 .*Disallowed CORS origin/);
    expect(rest('1.18')).toMatch(/WS GET .*\[Origin: http:\/\/evil\.example\] -> 101/);
    expect(rest('2.x')).toMatch(/OPTIONS .*evil\.example.* -> 403 .*Forbidden: origin not allowed/);
    expect(rest('2.x')).toMatch(/POST \S+ \{\} \[Origin: http:\/\/evil\.example\] -> 403/);
    expect(rest('2.x')).toMatch(/WS GET .*\[Origin: http:\/\/evil\.example\] -> 403/);
    expect(rest('2.x')).toMatch(/WS GET .*\[Origin: http:\/\/127\.0\.0\.1:9464\] -> 101/);
  });
});

describe('ADK 1.18 with google-genai 1.75, unpatched (adk-1.18-genai-1.75)', () => {
  const set = loadAdkSet(ADK_SETS['1.18+genai-1.75']);
  const events = (name: string) => {
    const r = set.get(name);
    if (!r) throw new Error(`no recording ${name}`);
    return serverEvents(r) as Event[];
  };

  it('answers text, speech, a server-side tool and a barge-in', () => {
    for (const name of ['text_turn', 'audio_turn', 'tool_call', 'barge_in']) {
      expect(events(name).at(-1)?.turnComplete, name).toBe(true);
    }
    expect(events('barge_in').some((e) => e.interrupted)).toBe(true);
    expect(events('tool_call').some((e) => e.content?.parts?.[0]?.functionResponse)).toBe(true);
  });

  it('sends transcriptions with neither partial nor finished, input ones authored by user', () => {
    const transcripts = [...set.values()]
      .flatMap((r) => serverEvents(r) as Event[])
      .filter((e) => transcript(e, 'inputTranscription') ?? transcript(e, 'outputTranscription'));
    expect(transcripts.length).toBeGreaterThan(10);
    for (const e of transcripts) {
      expect(e.partial).toBeUndefined();
      const t = transcript(e, 'inputTranscription') ?? transcript(e, 'outputTranscription');
      expect(t?.finished).toBeUndefined();
    }
    const authors = transcripts
      .filter((e) => transcript(e, 'inputTranscription'))
      .map((e) => e.author);
    expect(new Set(authors)).toEqual(new Set(['user']));
  });
});

/**
 * Checks what the READMEs of the recorded ADK `/run_live` sets (ADK 1.18 and 2.x) claim, so a
 * transport written against those claims rests on the data: frame lengths, compact camelCase JSON,
 * the event envelope, URL-safe base64 audio, close codes and reasons, transcription deltas and
 * finals, tool and transfer events, and the behaviours that differ between the two versions.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADK_SETS,
  loadAdkSet,
  serverEvents,
  type AdkRecording,
} from '../support/adk-recordings.ts';

const sets = { '1.18': loadAdkSet(ADK_SETS['1.18']), '2.x': loadAdkSet(ADK_SETS['2.x']) };
type Version = keyof typeof sets;
const versions = Object.keys(sets) as Version[];

function rec(version: Version, name: string): AdkRecording {
  const r = sets[version].get(name);
  if (!r) throw new Error(`${version}: no recording ${name}`);
  return r;
}

/** Object keys at every depth, except inside free-form values (tool args/results, state). */
function keysOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      if (!['args', 'response', 'stateDelta', 'state'].includes(k)) keysOf(v, out);
    }
  }
  return out;
}

type Event = Record<string, unknown> & {
  content?: { role?: string; parts?: Record<string, unknown>[] };
  author?: string;
  partial?: boolean;
};
const transcript = (e: Event, key: 'inputTranscription' | 'outputTranscription') =>
  e[key] as { text?: string; finished?: boolean } | undefined;
const audioData = (events: Event[]) =>
  events.flatMap((e) =>
    (e.content?.parts ?? [])
      .map((p) => p.inlineData as { data: string; mimeType: string } | undefined)
      .filter((d) => d !== undefined),
  );

describe.each(versions)('ADK %s recordings', (version) => {
  const all = [...sets[version].values()];

  it('has every scenario of the 1.18 set', () => {
    expect([...sets[version].keys()]).toEqual(expect.arrayContaining([...sets['1.18'].keys()]));
  });

  it('writes each frame with its UTF-8 length, on one line', () => {
    for (const r of all) {
      for (const s of r.sockets) {
        for (const f of s.frames) {
          expect(Buffer.byteLength(f.text), `${r.name}: ${f.text.slice(0, 60)}`).toBe(f.length);
          expect(f.text).not.toContain('\n');
        }
      }
    }
  });

  it('server frames are compact camelCase JSON with the event envelope', () => {
    for (const r of all) {
      for (const s of r.sockets) {
        for (const f of s.frames.filter((x) => x.direction === 'server')) {
          const event = JSON.parse(f.text) as Event;
          expect(f.text).toBe(JSON.stringify(event));
          expect(keysOf(event).filter((k) => k.includes('_'))).toEqual([]);
          expect(Object.keys(event)).toEqual(
            expect.arrayContaining(['invocationId', 'author', 'actions', 'id', 'timestamp']),
          );
        }
      }
    }
  });

  it('client frames use snake_case top-level LiveRequest keys (bar the camelCase probe)', () => {
    const keys = new Set<string>();
    for (const r of all.filter((x) => x.name !== 'camelcase_top_level_ignored')) {
      for (const s of r.sockets) {
        for (const f of s.frames.filter((x) => x.direction === 'client')) {
          try {
            const parsed = JSON.parse(f.text) as Record<string, unknown>;
            for (const k of Object.keys(parsed)) keys.add(k);
          } catch {
            expect(r.name).toBe('malformed_frame_then_ignored');
          }
        }
      }
    }
    expect([...keys].sort()).toEqual(['activity_start', 'blob', 'close', 'content']);
  });

  it('reply audio is 24 kHz PCM in URL-safe base64 with padding', () => {
    const audio = all.flatMap((r) => audioData(serverEvents(r) as Event[]));
    expect(audio.length).toBeGreaterThan(100);
    for (const a of audio) {
      expect(a.mimeType).toBe('audio/pcm;rate=24000');
      expect(a.data).toMatch(/^[A-Za-z0-9_-]*={0,2}$/);
      expect(a.data.length % 4).toBe(0);
    }
    expect(audio.some((a) => /[-_]/.test(a.data))).toBe(true);
  });

  it('one invocationId per socket, across turns', () => {
    for (const r of all) {
      for (const s of r.sockets) {
        const ids = new Set(
          s.frames
            .filter((f) => f.direction === 'server')
            .map((f) => (JSON.parse(f.text) as Event).invocationId),
        );
        expect(ids.size, r.name).toBeLessThanOrEqual(1);
      }
    }
  });

  it('closes 1002 "Session not found" for an unknown session, with no frame', () => {
    const s = rec(version, 'unknown_session_1002').sockets[0];
    expect(s?.frames).toEqual([]);
    expect(s?.close).toEqual({ code: 1002, reason: 'Session not found' });
  });

  it('closes 1011 "\'text\'" on a binary frame', () => {
    const bin = rec(version, 'binary_frame_1011').sockets[0];
    expect(bin?.frames.map((f) => f.binary)).toEqual([true]);
    expect(bin?.close).toEqual({ code: 1011, reason: "'text'" });
  });

  it('output transcription deltas concatenate to the spoken reply', () => {
    const events = serverEvents(rec(version, 'text_turn')) as Event[];
    const deltas = events.filter((e) => e.partial === true && transcript(e, 'outputTranscription'));
    const text = deltas.map((e) => transcript(e, 'outputTranscription')?.text).join('');
    expect(text).toBe('You said: hello there');
    expect(deltas.every((e) => transcript(e, 'outputTranscription')?.finished === false)).toBe(
      true,
    );
    const last = events.at(-1);
    expect(last?.turnComplete).toBe(true);
    expect(events.at(-2)?.usageMetadata).toBeDefined();
  });

  it('a server-side tool shows as a functionCall event then a functionResponse event (role user)', () => {
    const events = serverEvents(rec(version, 'tool_call')) as Event[];
    const call = events.findIndex((e) => e.content?.parts?.[0]?.functionCall);
    const response = events.findIndex((e) => e.content?.parts?.[0]?.functionResponse);
    expect(call).toBeGreaterThanOrEqual(0);
    expect(response).toBeGreaterThan(call);
    expect(events[call]?.content?.role).toBe('model');
    expect(events[response]?.content?.role).toBe('user');
    expect(events[response]?.content?.parts?.[0]?.functionResponse).toMatchObject({
      name: 'get_time',
      response: { time: expect.stringMatching(/^\d\d:\d\d$/) as unknown },
    });
  });

  it('a barge-in forwards interrupted as its own event', () => {
    const events = serverEvents(rec(version, 'barge_in')) as Event[];
    const i = events.findIndex((e) => e.interrupted === true);
    expect(i).toBeGreaterThan(0);
    expect(audioData(events.slice(0, i)).length).toBeGreaterThan(0);
  });

  it('an agent transfer carries actions.transferToAgent, then the sub-agent authors events', () => {
    const events = serverEvents(rec(version, 'agent_transfer')) as Event[];
    const transfer = events.findIndex(
      (e) => (e.actions as { transferToAgent?: string }).transferToAgent === 'clock_agent',
    );
    expect(transfer).toBeGreaterThan(0);
    expect(events[transfer]?.content?.parts?.[0]?.functionResponse).toMatchObject({
      name: 'transfer_to_agent',
    });
    expect(events.slice(0, transfer).every((e) => e.author === 'concierge')).toBe(true);
    expect(events.slice(transfer + 1).some((e) => e.author === 'clock_agent')).toBe(true);
  });

  it('invalid frames make ADK stop reading: nothing after them is answered', () => {
    for (const name of ['malformed_frame_then_ignored', 'invalid_field_then_ignored']) {
      const s = rec(version, name).sockets[0];
      expect(
        s?.frames.filter((f) => f.direction === 'server'),
        name,
      ).toEqual([]);
      expect(s?.close).toBeUndefined();
    }
  });

  it('camelCase top-level keys are dropped and the next turn is answered', () => {
    const events = serverEvents(rec(version, 'camelcase_top_level_ignored')) as Event[];
    expect(events.at(-1)?.turnComplete).toBe(true);
  });

  it('a reconnect with the same session_id is accepted and answered', () => {
    const r = rec(version, 'reconnect_same_session');
    expect(r.sockets).toHaveLength(2);
    expect(r.sockets[0]?.target).toBe(r.sockets[1]?.target);
    const second = r.sockets[1]?.frames ?? [];
    expect(second[0]?.direction).toBe('client');
    expect(JSON.parse(second.at(-1)?.text ?? '{}')).toMatchObject({ turnComplete: true });
  });
});

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

/**
 * Checks what the READMEs of the recorded ADK `/run_live` sets (ADK 1.18 and 2.x) claim, for both
 * sets: frame lengths, compact camelCase JSON, the event envelope, URL-safe base64 audio, close
 * codes, transcription deltas, tool, barge-in and transfer events. The differences between the
 * versions are checked in adk-recordings-diff.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  audioData,
  keysOf,
  loadVersions,
  pick,
  serverEvents,
  transcript,
  type AdkEvent as Event,
} from '../support/adk-recordings.ts';

const sets = loadVersions();
type Version = keyof typeof sets;
const versions = Object.keys(sets) as Version[];
const rec = (version: Version, name: string) => pick(sets[version], name);

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

import { describe, expect, it } from 'vitest';
import { TranscriptStore } from '../../src/core/transcript.ts';
import type { TranscriptTurn } from '../../src/core/types.ts';
import { createFakeSession } from '../../src/testing/index.ts';

function store() {
  let clock = 1000;
  const changes: TranscriptTurn[] = [];
  const s = new TranscriptStore(
    (turn) => changes.push(turn),
    () => clock++,
  );
  return { s, changes };
}

const brief = (turns: readonly TranscriptTurn[]) =>
  turns.map((t) => [t.role, t.text, t.final, t.interrupted]);

describe('TranscriptStore', () => {
  it('merges fragments; the user turn finalizes when the model starts answering', () => {
    const { s } = store();
    s.handleInput('What is', false);
    s.handleInput(' the time?', false);
    expect(brief(s.turns)).toEqual([['user', 'What is the time?', false, false]]);
    s.handleModelText('It is');
    s.handleModelText(' noon.');
    expect(brief(s.turns)).toEqual([
      ['user', 'What is the time?', true, false],
      ['model', 'It is noon.', false, false],
    ]);
    s.handleTurnComplete();
    expect(brief(s.turns)).toEqual([
      ['user', 'What is the time?', true, false],
      ['model', 'It is noon.', true, false],
    ]);
    expect(s.turns.map((t) => t.id)).toEqual(['turn-1', 'turn-2']);
  });

  it('ignores empty fragments (no turn, no change event)', () => {
    const { s, changes } = store();
    s.handleInput('', false);
    s.handleInput(undefined, false);
    s.handleModelText('');
    s.handleModelText(undefined);
    expect(s.turns).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('finished: true finalizes the user turn; later input starts a new turn', () => {
    const { s } = store();
    s.handleInput('Hi', true);
    s.handleInput('Again', false);
    expect(brief(s.turns)).toEqual([
      ['user', 'Hi', true, false],
      ['user', 'Again', false, false],
    ]);
  });

  it('interrupted marks the model turn final + interrupted', () => {
    const { s } = store();
    s.handleModelText('Let me tell you a long');
    s.handleInterrupted();
    s.handleInput('Stop', false);
    expect(brief(s.turns)).toEqual([
      ['model', 'Let me tell you a long', true, true],
      ['user', 'Stop', false, false],
    ]);
  });

  it('audio without transcription finalizes the open user turn', () => {
    const { s } = store();
    s.handleInput('Hello', false);
    s.handleModelStart();
    expect(s.turns[0]!.final).toBe(true);
  });

  it('turns are frozen and the list is replaced on change; timestamps advance', () => {
    const { s } = store();
    s.handleInput('a', false);
    const before = s.turns;
    s.handleInput('b', false);
    expect(s.turns).not.toBe(before);
    expect(before[0]!.text).toBe('a');
    expect(Object.isFrozen(s.turns)).toBe(true);
    expect(Object.isFrozen(s.turns[0])).toBe(true);
    expect(s.turns[0]).toMatchObject({ startedAt: 1000, updatedAt: 1001, text: 'ab' });
  });
});

describe('session transcript from server messages', () => {
  it('input + output transcription fragments, model text parts, events carry the list', async () => {
    const { session, transport } = createFakeSession();
    const events: [string, string, boolean][] = [];
    session.on('transcript', (e) => {
      expect(e.transcript[e.transcript.length - 1]!.id >= e.turn.id).toBe(true);
      events.push([e.turn.role, e.turn.text, e.turn.final]);
    });
    await session.connect();
    transport.serverSend({ serverContent: { inputTranscription: { text: 'Hey' } } });
    transport.serverSend({ serverContent: { inputTranscription: { text: '' } } });
    transport.serverSend({ serverContent: { outputTranscription: { text: 'Hi' } } });
    transport.serverSend({ serverContent: { modelTurn: { parts: [{ text: ' there' }] } } });
    transport.serverSend({
      serverContent: { modelTurn: { parts: [{ text: 'secret plan', thought: true }] } },
    });
    transport.serverSend({ serverContent: { turnComplete: true } });
    expect(events).toEqual([
      ['user', 'Hey', false],
      ['user', 'Hey', true],
      ['model', 'Hi', false],
      ['model', 'Hi there', false],
      ['model', 'Hi there', true],
    ]);
    expect(brief(session.getSnapshot().transcript)).toEqual([
      ['user', 'Hey', true, false],
      ['model', 'Hi there', true, false],
    ]);
  });

  it('interrupted: event, transcript interrupted, agentSpeaking false', async () => {
    const { session, transport } = createFakeSession();
    const interrupted: unknown[] = [];
    session.on('interrupted', (e) => interrupted.push(e));
    await session.connect();
    transport.serverSend({
      serverContent: {
        modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } }] },
        outputTranscription: { text: 'Once upon' },
      },
    });
    expect(session.getSnapshot().agentSpeaking).toBe(true);
    transport.serverSend({ serverContent: { interrupted: true } });
    expect(interrupted).toEqual([{}]);
    expect(session.getSnapshot().agentSpeaking).toBe(false);
    expect(brief(session.getSnapshot().transcript)).toEqual([['model', 'Once upon', true, true]]);
  });
});

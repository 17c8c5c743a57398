/**
 * Managers own their slice of the snapshot and the session merges them in one place: every event
 * listener sees the snapshot its event describes, one server frame is one notification, and the
 * slices themselves behave (connection, speaking).
 */
import { describe, expect, it } from 'vitest';
import { LiveAgentError } from '../../src/core/errors.ts';
import { LinkState } from '../../src/core/link.ts';
import { SpeakingState } from '../../src/core/speaking.ts';
import { createFakeSession } from '../../src/testing/index.ts';
import { ticks } from './core-helpers.ts';

describe('merged slices', () => {
  it('each event listener sees the snapshot its event describes', async () => {
    const { session, transport, media } = createFakeSession({
      tools: [{ name: 'wait', handler: () => new Promise(() => {}) }],
    });
    const seen: string[] = [];
    const check = (name: string, ok: () => boolean) => seen.push(`${name}:${ok()}`);
    const snap = () => session.getSnapshot();
    session.on('status', (e) => check('status', () => snap().status === e.status));
    session.on('transcript', (e) => check('transcript', () => snap().transcript === e.transcript));
    session.on('usage', (e) => check('usage', () => snap().usage === e.total));
    session.on('goaway', () => check('goaway', () => snap().goAwayAt !== null));
    session.on('toolcall', () => check('toolcall', () => snap().pendingToolCalls.length === 0));
    session.on('turncomplete', () => check('turncomplete', () => !snap().agentSpeaking));
    session.on('gesture', (e) => check('gesture', () => snap().needsGesture === e.needsGesture));
    await session.connect();
    transport.serverSend({ usageMetadata: { totalTokenCount: 5 } });
    transport.serverSend({ serverContent: { outputTranscription: { text: 'Hi' } } });
    expect(snap().agentSpeaking).toBe(true);
    transport.serverSend({ serverContent: { turnComplete: true } });
    transport.serverSend({ toolCall: { functionCalls: [{ id: 'a', name: 'wait' }] } });
    expect(snap().pendingToolCalls).toEqual([{ id: 'a', name: 'wait' }]);
    media.setNeedsGesture(true);
    transport.serverSend({ goAway: { timeLeft: '30s' } });
    await session.disconnect();
    expect(seen).toEqual([
      'status:true',
      'status:true',
      'usage:true',
      'transcript:true',
      'transcript:true',
      'turncomplete:true',
      'toolcall:true',
      'gesture:true',
      'goaway:true',
      'status:true',
    ]);
    expect(snap().pendingToolCalls).toEqual([]);
  });

  it('one frame with several fields notifies subscribers once', async () => {
    const { session, transport } = createFakeSession();
    await session.connect();
    let renders = 0;
    session.subscribe(() => renders++);
    transport.serverSend({
      usageMetadata: { totalTokenCount: 3 },
      sessionResumptionUpdate: { newHandle: 'h', resumable: true },
      serverContent: {
        inputTranscription: { text: 'hello', finished: true },
        outputTranscription: { text: 'Hi' },
        turnComplete: true,
      },
    });
    await ticks();
    expect(renders).toBe(1);
    expect(session.getSnapshot()).toMatchObject({ sessionResumable: true, agentSpeaking: false });
  });
});

describe('LinkState', () => {
  it('connecting clears the error and attempts; closing clears the goAway and the handle', () => {
    const link = new LinkState();
    const error = new LiveAgentError('server-error', 'x');
    link.handleStatus('error', error);
    expect(link.slice).toMatchObject({ status: 'error', error });
    link.handleStatus('connecting');
    expect(link.slice).toMatchObject({ status: 'connecting', error: null, reconnectAttempt: 0 });
    link.handleResumable(true);
    link.handleGoAway(123);
    link.handleReconnecting(2);
    expect(link.slice).toMatchObject({
      goAwayAt: 123,
      reconnectAttempt: 2,
      sessionResumable: true,
    });
    link.handleResumed();
    expect(link.slice).toMatchObject({ goAwayAt: null, reconnectAttempt: 0 });
    link.handleGoAway(5);
    link.handleStatus('closed');
    expect(link.slice).toMatchObject({ status: 'closed', goAwayAt: null, sessionResumable: false });
  });
});

describe('SpeakingState', () => {
  it('the model speaking ends the user turn; a barge-in stops the model; quiet ends both', () => {
    const s = new SpeakingState();
    s.handleUserTranscription('he', false);
    expect(s.slice).toEqual({ agentSpeaking: false, userSpeaking: true });
    s.handleModelSpeech();
    expect(s.slice).toEqual({ agentSpeaking: true, userSpeaking: false });
    s.handleUserActivity(true);
    s.handleInterrupted();
    expect(s.slice).toEqual({ agentSpeaking: false, userSpeaking: true });
    s.handleUserTranscription(undefined, true);
    expect(s.slice.userSpeaking).toBe(false);
    s.handleModelSpeech();
    s.handleQuiet();
    expect(s.slice).toEqual({ agentSpeaking: false, userSpeaking: false });
  });
});

import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.ts';
import { SnapshotStore } from '../../src/core/snapshot.ts';
import { initialSnapshot } from '../../src/core/session-support.ts';
import { createFakeSession } from '../../src/testing/index.ts';
import { record } from './core-helpers.ts';

async function connected() {
  const kit = createFakeSession({
    tools: [{ name: 'lookup', handler: () => 'x' }],
  });
  await kit.session.connect();
  return kit;
}

describe('server messages', () => {
  it('handles every key of one message, in order', async () => {
    const { session, transport } = await connected();
    const events = record(session, [
      'message',
      'transcript',
      'turncomplete',
      'usage',
      'toolcall',
      'toolcancel',
      'goaway',
    ]);
    const message = {
      sessionResumptionUpdate: { newHandle: 'h1', resumable: true },
      serverContent: {
        inputTranscription: { text: 'hi', finished: true },
        modelTurn: {
          parts: [
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } },
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAAAAAA' } },
            { executableCode: { language: 'PYTHON', code: 'print(1)' } },
          ],
        },
        outputTranscription: { text: 'hello' },
        generationComplete: true,
        turnComplete: true,
        turnCompleteReason: 'DONE',
        waitingForInput: true,
        groundingMetadata: { webSearchQueries: ['q'] },
      },
      usageMetadata: { promptTokenCount: 3, responseTokenCount: 4, totalTokenCount: 7 },
      toolCall: { functionCalls: [{ id: 'c9', name: 'lookup', args: {} }] },
      toolCallCancellation: { ids: ['zz'] },
      goAway: { timeLeft: '30s' },
      somethingNew: { x: 1 },
    };
    transport.serverSend(message);
    expect(events.map(([type]) => type)).toEqual([
      'message',
      'usage',
      'transcript', // user 'hi'
      'transcript', // user final (finished)
      'transcript', // model 'hello'
      'transcript', // model final (turnComplete)
      'turncomplete',
      'toolcall',
      'toolcancel',
      'goaway',
    ]);
    expect(events[0]![1]).toEqual({ message });
    expect(events[6]![1]).toEqual({ reason: 'DONE' });
    expect(session.getStats()).toMatchObject({ messages: 1, audioChunks: 2, audioBytes: 9 });
    expect(session.getSnapshot()).toMatchObject({
      sessionResumable: true,
      agentSpeaking: false,
      goAwayAt: expect.any(Number) as number,
      usage: { promptTokenCount: 3, responseTokenCount: 4, totalTokenCount: 7, reports: 1 },
    });
  });

  it('accumulates usage over reports, per modality', async () => {
    const { session, transport } = await connected();
    const events = record(session, ['usage']);
    const first = {
      promptTokenCount: 515,
      responseTokenCount: 31,
      totalTokenCount: 546,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 515 }],
      responseTokensDetails: [{ modality: 'TEXT', tokenCount: 31 }],
    };
    transport.serverSend({ serverContent: { turnComplete: true }, usageMetadata: first });
    transport.serverSend({
      usageMetadata: {
        promptTokenCount: 600,
        responseTokenCount: 40,
        totalTokenCount: 640,
        thoughtsTokenCount: 12,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 550 },
          { modality: 'AUDIO', tokenCount: 50 },
        ],
        responseTokensDetails: [{ modality: 'AUDIO', tokenCount: 40 }],
      },
    });
    expect(session.getSnapshot().usage).toEqual({
      promptTokenCount: 1115,
      responseTokenCount: 71,
      totalTokenCount: 1186,
      cachedContentTokenCount: 0,
      toolUsePromptTokenCount: 0,
      thoughtsTokenCount: 12,
      promptByModality: { TEXT: 1065, AUDIO: 50 },
      responseByModality: { TEXT: 31, AUDIO: 40 },
      reports: 2,
    });
    expect(events[0]![1]).toEqual({
      total: expect.objectContaining({ totalTokenCount: 546 }) as object,
      last: first,
    });
  });

  it('malformed frames → non-fatal ProtocolError; the session keeps going', async () => {
    const { session, transport } = await connected();
    const errors = record(session, ['error']);
    transport.lastConnection.serverSendMalformed('Unexpected token < in JSON');
    transport.serverSend({
      serverContent: 'nonsense' as never,
      toolCall: { functionCalls: 'x' as never },
    });
    transport.serverSend({ serverContent: { modelTurn: { parts: [null as never, 7 as never] } } });
    transport.serverSend({ serverContent: { outputTranscription: { text: 'ok' } } });
    expect(errors).toHaveLength(1);
    const [, first] = errors[0]!;
    expect(first.fatal).toBe(false);
    expect(first.error).toBeInstanceOf(ProtocolError);
    expect(first.error.message).toBe('Malformed server frame: Unexpected token < in JSON');
    expect(session.status).toBe('connected');
    expect(session.getSnapshot().transcript.map((t) => t.text)).toEqual(['ok']);
  });

  it('transport error events are non-fatal errors, revived to their class', async () => {
    const { session, transport } = await connected();
    const errors = record(session, ['error']);
    transport.emitEvent({
      type: 'error',
      error: {
        name: 'MediaError',
        code: 'device-error',
        message: 'worklet crashed',
        retryable: false,
      },
    });
    expect(errors[0]![1].error.name).toBe('MediaError');
    expect(errors[0]![1].fatal).toBe(false);
  });

  it('metrics: speech-end → first audio → audible; interruption → silence; medians', async () => {
    const { session, transport } = await connected();
    const events = record(session, ['metrics']);
    transport.emitEvent({ type: 'speech-end', at: 1000 });
    transport.emitEvent({ type: 'first-audio', turnId: 1, receivedAt: 1400, audibleAt: 1480 });
    transport.emitEvent({ type: 'speech-end', at: 5000 });
    transport.emitEvent({ type: 'first-audio', turnId: 2, receivedAt: 5600, audibleAt: 5700 });
    transport.emitEvent({
      type: 'interrupt-silence',
      turnId: 2,
      interruptedAt: 6000,
      silentAt: 6012,
      playedMs: 640,
    });
    transport.emitEvent({ type: 'first-audio', turnId: 3, receivedAt: 9000, audibleAt: 9050 });
    transport.emitEvent({ type: 'playback', underruns: 2, bufferedMs: 120, lateChunks: 1 });
    expect(events.map(([, e]) => e.turn)).toEqual([
      {
        kind: 'response',
        turnId: 1,
        speechEndAt: 1000,
        receivedAt: 1400,
        audibleAt: 1480,
        responseMs: 400,
        audibleMs: 480,
      },
      {
        kind: 'response',
        turnId: 2,
        speechEndAt: 5000,
        receivedAt: 5600,
        audibleAt: 5700,
        responseMs: 600,
        audibleMs: 700,
      },
      {
        kind: 'interrupt',
        turnId: 2,
        interruptedAt: 6000,
        silentAt: 6012,
        silenceMs: 12,
        playedMs: 640,
      },
      {
        kind: 'response',
        turnId: 3,
        speechEndAt: null,
        receivedAt: 9000,
        audibleAt: 9050,
        responseMs: null,
        audibleMs: null,
      },
    ]);
    expect(session.getSnapshot().metrics).toMatchObject({
      p50ResponseMs: 500,
      p50AudibleMs: 590,
      p50InterruptMs: 12,
      underruns: 2,
      lateChunks: 1,
    });
    expect(session.getStats().bufferedMs).toBe(120);
  });
});

describe('snapshot', () => {
  it('is frozen, replaced on change, identical when nothing changed', async () => {
    const { session, transport } = await connected();
    const a = session.getSnapshot();
    expect(Object.isFrozen(a)).toBe(true);
    expect(session.getSnapshot()).toBe(a);
    transport.serverSend({ somethingUnknown: true });
    expect(session.getSnapshot()).toBe(a);
    transport.serverSend({ serverContent: { outputTranscription: { text: 'x' } } });
    const b = session.getSnapshot();
    expect(b).not.toBe(a);
    expect(a.transcript).toEqual([]);
    expect(() => {
      (b as { status: string }).status = 'idle';
    }).toThrow(TypeError);
  });

  it('subscribe: one notification per message, unsubscribe stops them', async () => {
    const { session, transport } = await connected();
    let calls = 0;
    const unsubscribe = session.subscribe(() => calls++);
    transport.serverSend({
      serverContent: {
        inputTranscription: { text: 'a' },
        outputTranscription: { text: 'b' },
        turnComplete: true,
      },
      usageMetadata: { totalTokenCount: 1 },
    });
    expect(calls).toBe(1);
    transport.serverSend({ serverContent: { generationComplete: true } });
    expect(calls).toBe(1);
    unsubscribe();
    transport.serverSend({ usageMetadata: { totalTokenCount: 1 } });
    expect(calls).toBe(1);
  });

  it('getSnapshot and subscribe work unbound (useSyncExternalStore)', async () => {
    const { session } = await connected();
    const { getSnapshot, subscribe } = session;
    let n = 0;
    subscribe(() => n++);
    session.setMicEnabled(false);
    expect(getSnapshot().micEnabled).toBe(false);
    expect(n).toBe(1);
  });

  it('SnapshotStore.update with equal values keeps the object', () => {
    const store = new SnapshotStore(initialSnapshot(false));
    const first = store.get();
    store.update({ status: 'idle', micEnabled: true });
    expect(store.get()).toBe(first);
  });

  it('congestion: event and metrics.congested follow the transport; a close clears them', async () => {
    const { session, transport } = await connected();
    const events = record(session, ['congestion']);
    const at = (congested: boolean, droppedMs: number, heldMs: number) =>
      transport.emitEvent({
        type: 'congestion',
        congested,
        bufferedBytes: 70_000,
        droppedMs,
        heldMs,
      });
    at(true, 0, 0);
    expect(session.getSnapshot().metrics.congested).toBe(true);
    transport.emitEvent({ type: 'capture-dropped', ms: 400 });
    at(false, 400, 1000);
    expect(session.getSnapshot().metrics).toMatchObject({
      congested: false,
      captureDroppedMs: 400,
    });
    at(true, 0, 0);
    await session.disconnect();
    expect(session.getSnapshot().metrics.congested).toBe(false);
    expect(events.map(([, e]) => e)).toEqual([
      { congested: true, droppedMs: 0, heldMs: 0 },
      { congested: false, droppedMs: 400, heldMs: 1000 },
      { congested: true, droppedMs: 0, heldMs: 0 },
      { congested: false, droppedMs: 0, heldMs: 0 },
    ]);
  });
});

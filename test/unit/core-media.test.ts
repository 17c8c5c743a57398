/**
 * The session's media face: the played position tied to transcript turns, the local VAD's
 * speaking flag, device selection and device events, volume.
 */
import { describe, expect, it } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import { createFakeSession, FakeTransport } from '../../src/testing/index.ts';
import type { ServerMessage } from '../../src/core/wire.ts';
import { record } from './core-helpers.ts';

/** A model audio message as the worker delivers it (audio data already played and stripped). */
const audio = (text?: string): ServerMessage => ({
  serverContent: {
    modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: '' } }] },
    ...(text !== undefined && { outputTranscription: { text } }),
  },
});

async function connected() {
  const kit = createFakeSession({ config: { outputAudioTranscription: {} } });
  await kit.session.connect();
  return kit;
}

describe('played position', () => {
  it('names the transcript turn being heard, learned from each message’s audio turn', async () => {
    const { session, transport, media } = await connected();
    // The transcription of a reply often arrives after its first audio.
    transport.serverSend(audio(), { audioTurnId: 1 });
    transport.serverSend(audio('Hello '), { audioTurnId: 1 });
    transport.serverSend(audio('there.'), { audioTurnId: 1 });
    transport.serverSend({ serverContent: { turnComplete: true } });
    transport.serverSend(audio('Second.'), { audioTurnId: 2 });
    const [first, second] = session.getSnapshot().transcript.filter((t) => t.role === 'model');

    media.playback = { audioTurnId: 1, playedMs: 480, bufferedMs: 200, playing: true };
    expect(session.getPlayback()).toEqual({
      turnId: first!.id,
      audioTurnId: 1,
      playedMs: 480,
      bufferedMs: 200,
      playing: true,
    });
    media.playback = { audioTurnId: 2, playedMs: 20, bufferedMs: 40, playing: true };
    expect(session.getPlayback().turnId).toBe(second!.id);
  });

  it('maps a reply whose audio, whole transcription and turnComplete share one message', async () => {
    const { session, transport, media } = await connected();
    transport.serverSend(
      {
        serverContent: {
          modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: '' } }] },
          outputTranscription: { text: 'Done.', finished: true },
          turnComplete: true,
        },
      },
      { audioTurnId: 4 },
    );
    media.playback = { audioTurnId: 4, playedMs: 100, bufferedMs: 0, playing: true };
    expect(session.getPlayback().turnId).toBe(session.getSnapshot().transcript.at(-1)!.id);
  });

  it('is null for audio without captions, and for late chunks that were not played', async () => {
    const { session, transport, media } = await connected();
    transport.serverSend(audio(), { audioTurnId: 1 });
    transport.serverSend({ serverContent: { interrupted: true } });
    transport.serverSend(audio('late words'), {}); // dropped by the transport: no audio turn
    media.playback = { audioTurnId: 1, playedMs: 300, bufferedMs: 0, playing: false };
    expect(session.getPlayback().turnId).toBeNull();
  });

  it('starts over after a disconnect (the next worker numbers audio turns from 1)', async () => {
    const { session, transport, media } = await connected();
    transport.serverSend(audio('Old reply'), { audioTurnId: 1 });
    await session.disconnect();
    await session.connect();
    media.playback = { audioTurnId: 1, playedMs: 10, bufferedMs: 0, playing: true };
    expect(session.getPlayback().turnId).toBeNull();
  });

  it('is idle without media', async () => {
    const kit = createFakeSession();
    expect(kit.session.getPlayback()).toEqual({
      turnId: null,
      audioTurnId: 0,
      playedMs: 0,
      bufferedMs: 0,
      playing: false,
    });
  });
});

describe('local voice activity', () => {
  it('speech-start sets userSpeaking at once; speech-end clears it', async () => {
    const { session, transport } = await connected();
    transport.emitEvent({ type: 'speech-start', at: 100 });
    expect(session.getSnapshot().userSpeaking).toBe(true);
    transport.emitEvent({ type: 'speech-end', at: 900 });
    expect(session.getSnapshot().userSpeaking).toBe(false);
  });
});

describe('devices and volume', () => {
  it('relays selection to the media and re-emits its device events', async () => {
    const { session, media } = await connected();
    const events = record(session, ['device', 'error']);
    await session.setInputDevice('mic-2');
    expect(await session.setOutputDevice('speaker-2')).toBe(true);
    media.outputSwitches = false;
    expect(await session.setOutputDevice('speaker-3')).toBe(false);
    media.emit({ type: 'device', kind: 'input', deviceId: 'default', reason: 'fallback' });
    session.setVolume(0.25);
    expect(media.inputDevices).toEqual(['mic-2']);
    expect(media.volume).toBe(0.25);
    expect(events).toEqual([
      ['device', { kind: 'input', deviceId: 'mic-2', reason: 'selected' }],
      ['device', { kind: 'output', deviceId: 'speaker-2', reason: 'selected' }],
      ['device', { kind: 'input', deviceId: 'default', reason: 'fallback' }],
    ]);
  });

  it('a microphone that is gone for good is a non-fatal device-error', async () => {
    const { session, media } = await connected();
    const errors = record(session, ['error']);
    media.emit({ type: 'track-ended', kind: 'audio' });
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toMatchObject({ fatal: false, error: { code: 'device-error' } });
    expect(session.status).toBe('connected');
  });

  it('without media: no microphone to switch (unsupported), no speaker (false)', async () => {
    const bare = new LiveAgentSession(
      { token: 'auth_tokens/x' },
      { transport: new FakeTransport(), media: null },
    );
    await expect(bare.setInputDevice('mic')).rejects.toMatchObject({ code: 'unsupported' });
    expect(await bare.setOutputDevice('speaker')).toBe(false);
    bare.setVolume(0.5); // harmless
  });
});

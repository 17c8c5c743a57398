/**
 * stripAudio reads frames straight off the network in the worker: whatever their shape it must
 * not throw, a chunk the sink refuses is stripped and reported, and the rest of the frame
 * (later parts, turnComplete) still reaches the sink.
 */
import { describe, expect, it } from 'vitest';
import { stripAudio, type AudioSink } from '../../src/transport/audio-sink.ts';
import type { ServerMessage } from '../../src/core/wire.ts';

function recordingSink(refuse: (data: string) => boolean) {
  const calls: string[] = [];
  const sink: AudioSink = {
    push(data) {
      if (refuse(data)) throw new RangeError('PCM16 data must have an even number of bytes');
      calls.push(`push ${data}`);
      return 1;
    },
    interrupt: () => calls.push('interrupt'),
    endTurn: () => calls.push('endTurn'),
  };
  return { sink, calls };
}

describe('stripAudio on hostile frames', () => {
  const shapes: unknown[] = [
    { serverContent: null },
    { serverContent: 5 },
    { serverContent: { modelTurn: 5 } },
    { serverContent: { modelTurn: { parts: 5 } } },
    { serverContent: { modelTurn: { parts: 'str' } } },
    { serverContent: { modelTurn: { parts: { length: 3 } } } },
    { serverContent: { modelTurn: { parts: [null, 5, 'x', [], { inlineData: null }] } } },
    { serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 7, data: 'AAAA' } }] } } },
    {
      serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm', data: 7 } }] } },
    },
    { serverContent: { interrupted: 'yes', turnComplete: 1 } },
  ];
  it.each(shapes.map((s) => [JSON.stringify(s), s]))('%s does not throw', (_name, shape) => {
    const { sink, calls } = recordingSink(() => false);
    expect(() => stripAudio(shape as ServerMessage, 0, sink)).not.toThrow();
    expect(calls).toEqual([]);
  });

  it('a refused chunk is stripped and reported; later parts and turnComplete still go through', () => {
    const { sink, calls } = recordingSink((data) => data === 'BAD');
    const message = {
      serverContent: {
        modelTurn: {
          parts: [
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'BAD' } },
            { inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } },
          ],
        },
        turnComplete: true,
      },
    } as ServerMessage;
    const out = stripAudio(message, 0, sink);
    expect(calls).toEqual(['push AAAA', 'endTurn']);
    expect(out.errors).toHaveLength(1);
    expect(out.audioTurnId).toBe(1);
    expect(JSON.stringify(message)).not.toContain('BAD');
    expect(JSON.stringify(message)).not.toContain('AAAA');
  });
});

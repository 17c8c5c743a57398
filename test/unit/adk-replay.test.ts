/**
 * The ADK transport's wire code (adk/codec.ts through openConnection, as the worker runs it)
 * replayed over the real `/run_live` recordings of ADK 1.18, ADK 2.13 and ADK 1.18 with a newer
 * google-genai: our encoder writes the frames the recorded client sent, the server frames drive an
 * unchanged LiveAgentSession (transcripts, audio, turns, barge-in, closes), and the ADK-only
 * fields (author, transfer, server-side tools) are read.
 */
import { describe, expect, it } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import { reviveError } from '../../src/core/errors.ts';
import { classifyClose } from '../../src/core/reconnect.ts';
import {
  intentMethods,
  type ClientIntent,
  type CloseInfo,
  type LiveTransport,
} from '../../src/core/transport.ts';
import type { ServerMessage } from '../../src/core/wire.ts';
import type { AudioSink } from '../../src/transport/audio-sink.ts';
import {
  ADK_CAPABILITIES,
  AdkDecoder,
  adkDetails,
  encodeAdkIntent,
  serializeAdkRequest,
} from '../../src/transport/adk/codec.ts';
import { openConnection } from '../../src/transport/connection.ts';
// The worker loads this codec on demand (loadWireCodec) when an ADK connection opens.
import * as adkCodec from '../../src/transport/adk/worker-codec.ts';
import { ADK_SETS, loadAdkSet, type AdkRecording } from '../support/adk-recordings.ts';
import { fakeSocketClass } from './transport-fakes.ts';
import { record } from './core-helpers.ts';

const SETS = Object.entries(ADK_SETS).map(([name, dir]) => [name, loadAdkSet(dir)] as const);

/** A sink that decodes what it is given (atob fails on URL-safe or unpadded base64). */
function decodingSink() {
  const chunks: { bytes: number; rate: number }[] = [];
  let interrupts = 0;
  const sink: AudioSink = {
    push(data, rate) {
      chunks.push({ bytes: atob(data).length, rate });
      return 1;
    },
    interrupt: () => void interrupts++,
    endTurn: () => {},
  };
  return { sink, chunks, interrupts: () => interrupts };
}

/** Replays one recording's sockets through openConnection into a real session. */
async function replay(rec: AdkRecording) {
  const { WebSocket, sockets } = fakeSocketClass();
  const audio = decodingSink();
  const closes: CloseInfo[] = [];
  const raws: ServerMessage[] = [];
  let index = 0;
  const transport: LiveTransport = {
    capabilities: ADK_CAPABILITIES,
    async open(params, handlers) {
      const pending = openConnection(
        {
          wire: 'adk',
          url: `ws://127.0.0.1:1/run_live?session_id=s${index}`,
          connectTimeoutMs: params.connectTimeoutMs,
          setupComplete: { sessionId: 's' },
        },
        {
          ...handlers,
          close: (info) => {
            closes.push(info);
            handlers.close(info);
          },
        },
        { id: ++index, WebSocket, playback: audio.sink, adk: adkCodec },
      );
      sockets.at(-1)!.serverOpen();
      const wire = await pending;
      return {
        id: wire.id,
        setupComplete: wire.setupComplete,
        ...intentMethods(wire.send),
        activate() {},
        close: wire.close,
      };
    },
    dispose() {},
  };
  const session = new LiveAgentSession(
    { token: 'auth_tokens/adk', reconnect: { maxAttempts: 0 } },
    { transport },
  );
  session.on('message', (e) => raws.push(e.message));
  const adkEvents = record(session, ['agent', 'servertoolcall', 'servertoolresult']);
  await session.connect();
  const socket = sockets[0]!;
  const mismatched: string[] = [];
  for (const frame of rec.sockets[0]!.frames) {
    if (frame.direction === 'server') socket.serverSend(frame.text);
    else if (!frame.binary) {
      // What our encoder writes for the same intent.
      const sent = JSON.parse(frame.text) as Record<string, any>;
      let intent: ClientIntent | undefined;
      if (sent['blob']) {
        const rate = Number(/rate=(\d+)/.exec(sent['blob'].mime_type)?.[1]);
        intent = { type: 'audio', data: sent['blob'].data, sampleRate: rate };
      } else if (sent['content'])
        intent = { type: 'text', text: sent['content'].parts[0].text, realtime: false };
      if (intent && serializeAdkRequest(encodeAdkIntent(intent)) !== frame.text)
        mismatched.push(frame.text.slice(0, 80));
    }
  }
  const close = rec.sockets[0]!.close;
  if (close) socket.serverClose(close.code, close.reason);
  await new Promise((r) => setTimeout(r, 5));
  const snapshot = session.getSnapshot();
  return {
    session,
    audio,
    closes,
    raws,
    mismatched,
    adkEvents,
    snapshot,
    transcript: snapshot.transcript,
  };
}

const text = (turns: readonly { role: string; text: string }[], role: string) =>
  turns.filter((t) => t.role === role).map((t) => t.text);

describe.each(SETS)('ADK %s recordings through the ADK wire', (_name, set) => {
  it('text_turn: our request is byte-identical; the reply is one final turn, not doubled by the aggregate', async () => {
    const r = await replay(set.get('text_turn')!);
    expect(r.mismatched).toEqual([]);
    expect(text(r.transcript, 'model')).toEqual(['You said: hello there']);
    expect(r.transcript.every((t) => t.final)).toBe(true);
    expect(r.audio.chunks.length).toBeGreaterThan(3);
    expect(r.audio.chunks.every((c) => c.rate === 24000 && c.bytes > 0)).toBe(true);
  });

  it('audio_turn: blob frames match, user and model transcripts come out whole', async () => {
    const r = await replay(set.get('audio_turn')!);
    expect(r.mismatched).toEqual([]);
    expect(text(r.transcript, 'user').join(' ')).toMatch(/\w/);
    expect(text(r.transcript, 'model')).toEqual(['I heard 2.4 s of speech.']);
  });

  it('barge_in: interrupted flushes playback and marks the model turn', async () => {
    const r = await replay(set.get('barge_in')!);
    expect(r.audio.interrupts()).toBeGreaterThanOrEqual(1);
    expect(r.transcript.some((t) => t.role === 'model' && t.interrupted)).toBe(true);
  });

  it('tool_call: server-side calls are shown, never executed by the session', async () => {
    const r = await replay(set.get('tool_call')!);
    const tools = r.raws.flatMap((m) => adkDetails(m).tools);
    expect(tools.map((t) => [t.kind, t.name])).toEqual([
      ['call', 'get_time'],
      ['result', 'get_time'],
    ]);
    expect(tools[1]!.data).toHaveProperty('time');
    expect(text(r.transcript, 'model').join(' ')).toMatch(/\d/);
  });

  it('tool_call: the call and its result are session events and one snapshot entry', async () => {
    const r = await replay(set.get('tool_call')!);
    const types = r.adkEvents.map(([type]) => type);
    expect(types).toEqual(['agent', 'servertoolcall', 'servertoolresult']);
    expect(r.adkEvents[0]![1]).toEqual({ from: null, to: 'echo_agent' });
    const [entry] = r.snapshot.serverToolCalls;
    expect(r.snapshot.serverToolCalls).toHaveLength(1);
    expect(entry).toMatchObject({ name: 'get_time', args: {}, longRunning: false });
    expect(entry!.agent).toBe('echo_agent');
    expect(entry!.id).toMatch(/^function-call-\d+$/);
    expect(entry!.response).toEqual({ time: expect.stringMatching(/^\d\d:\d\d$/) });
    expect(entry!.respondedAt).toBeGreaterThanOrEqual(entry!.calledAt);
    // Shown, not run: no client tool call was raised and nothing was answered.
    expect(r.snapshot.pendingToolCalls).toEqual([]);
    expect(r.snapshot.agent).toBe('echo_agent');
  });
});

describe.each(SETS.filter(([, s]) => s.has('agent_transfer')))(
  'ADK %s: transfers and closes',
  (_name, set) => {
    it('agent_transfer: the author changes and the transfer is read', async () => {
      const r = await replay(set.get('agent_transfer')!);
      const details = r.raws.map(adkDetails);
      expect(details.map((d) => d.transferTo).filter(Boolean)).toEqual(['clock_agent']);
      const authors = [...new Set(details.map((d) => d.author).filter((a) => a !== 'user'))];
      expect(authors).toEqual(['concierge', 'clock_agent']);
    });

    it('agent_transfer: agent events from/to, the transfer tool shown, the snapshot follows', async () => {
      const r = await replay(set.get('agent_transfer')!);
      expect(r.adkEvents.map(([type, e]) => [type, 'to' in e ? e : e.call.name])).toEqual([
        ['agent', { from: null, to: 'concierge' }],
        ['servertoolcall', 'transfer_to_agent'],
        ['servertoolresult', 'transfer_to_agent'],
        ['agent', { from: 'concierge', to: 'clock_agent' }],
      ]);
      expect(r.snapshot.agent).toBe('clock_agent');
      expect(r.snapshot.serverToolCalls).toEqual([
        expect.objectContaining({
          name: 'transfer_to_agent',
          args: { agent_name: 'clock_agent' },
          response: { result: null },
          agent: 'concierge',
        }),
      ]);
      // The reply after the transfer is the sub-agent's.
      expect(text(r.transcript, 'model').join(' ')).toMatch(/You said/);
    });

    it('unknown_session_1002: a typed, non-retryable error', async () => {
      const r = await replay(set.get('unknown_session_1002')!);
      const error = classifyClose(r.closes[0]!);
      expect(error).toMatchObject({ code: 'invalid-request', retryable: false, closeCode: 1002 });
      expect(error.message).toMatch(/session not found/i);
    });

    it('binary_frame_1011 and activity_start_1011: server-error with the reason', async () => {
      for (const name of ['binary_frame_1011', 'activity_start_1011']) {
        const r = await replay(set.get(name)!);
        const error = reviveError(r.closes[0]!.error!);
        expect(error).toMatchObject({ code: 'server-error', retryable: true });
        expect(error.message).toContain(r.closes[0]!.reason);
      }
    });
  },
);

describe.each(SETS)('ADK %s: local barge-in', (_name, set) => {
  const decodeAll = (name: string, drop?: (e: Record<string, unknown>) => boolean) => {
    const decoder = new AdkDecoder();
    return set
      .get(name)!
      .sockets[0]!.frames.filter((f) => f.direction === 'server')
      .map((f) => JSON.parse(f.text) as Record<string, unknown>)
      .filter((e) => !drop?.(e))
      .flatMap((e) => decoder.decode(e).map((ev) => ev.type));
  };

  it('one interrupted when ADK sends it; ours, before the user words, when it does not', () => {
    expect(decodeAll('barge_in').filter((t) => t === 'interrupted')).toHaveLength(1);
    const without = decodeAll('barge_in', (e) => e['interrupted'] === true);
    expect(without.filter((t) => t === 'interrupted')).toHaveLength(1);
    const cut = without.indexOf('interrupted');
    expect(without[cut + 1]).toBe('transcription');
  });

  it('never on an ordinary spoken turn', () => {
    expect(decodeAll('audio_turn')).not.toContain('interrupted');
  });
});

/**
 * Resource hygiene of a whole session (worker transport + Web Audio media) against the emulator:
 * connect/disconnect cycles leave no live track, open context, audio element, open socket or
 * running worker, and the microphone still reaches the service on the last cycle (a re-opened
 * graph and a fresh worker, not stale ones).
 */
import { afterEach, expect, test } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import { sourceMedia, sourceTransport, sourceWorker } from '../support/source-deps.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

const CYCLES = 30;

let emu: EmulatorControl | undefined;
let session: LiveAgentSession | undefined;
afterEach(async () => {
  session?.dispose();
  await emu?.close();
});

test(`${CYCLES} connect/disconnect cycles free everything; audio flows on the last`, async () => {
  emu = await startEmulator();
  const tracks: MediaStreamTrack[] = [];
  const contexts: AudioContext[] = [];
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const stream = await gum(c);
    tracks.push(...stream.getTracks());
    return stream;
  };
  const media = sourceMedia();
  const workers: Worker[] = [];
  let terminated = 0;
  const startWorker = () => {
    const worker = sourceWorker();
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      terminated++;
      terminate();
    };
    workers.push(worker);
    return worker;
  };
  session = new LiveAgentSession(
    { token: { url: emu.tokenUrl() }, endpoint: emu.url },
    { transport: sourceTransport(startWorker), media },
  );
  try {
    for (let i = 0; i < CYCLES; i++) {
      await session.connect();
      expect(session.status).toBe('connected');
      contexts.push(media.context!);
      if (i === CYCLES - 1) {
        const live = await (async () => {
          for (let n = 0; n < CYCLES; n++) await emu!.waitSession();
          return emu!.session(CYCLES - 1);
        })();
        const audio = await live.waitMessage('realtimeInput', 8000);
        expect(audio.realtimeInput.audio.mimeType).toBe('audio/pcm;rate=16000');
      }
      await session.disconnect();
      expect(session.status).toBe('closed');
    }
  } finally {
    navigator.mediaDevices.getUserMedia = gum;
  }
  expect(tracks.length).toBe(CYCLES);
  expect(tracks.every((t) => t.readyState === 'ended')).toBe(true);
  expect(new Set(contexts).size).toBe(CYCLES); // one AudioContext per connection, never reused
  expect(contexts.every((c) => c.state === 'closed')).toBe(true);
  expect(document.querySelectorAll('audio[data-live-agent]').length).toBe(0);
  // The last close frame may still be on its way to the emulator: poll (generously: a loaded
  // machine delivers it late).
  let sessions = await emu.sessions();
  for (let i = 0; i < 200 && sessions.some((s) => s.open); i++) {
    await new Promise((r) => setTimeout(r, 50));
    sessions = await emu.sessions();
  }
  expect(sessions).toHaveLength(CYCLES);
  expect(sessions.every((s) => !s.open && s.closeInfo?.by === 'client')).toBe(true);
  // One worker per connection, each terminated once its socket had closed (in the background).
  expect(workers).toHaveLength(CYCLES);
  for (let i = 0; i < 200 && terminated < CYCLES; i++) await new Promise((r) => setTimeout(r, 50));
  expect(terminated).toBe(CYCLES);
  // A budget, not a target: thirty cycles took over two minutes in WebKit on a starved machine
  // (their speed is the benches' business).
}, 300_000);

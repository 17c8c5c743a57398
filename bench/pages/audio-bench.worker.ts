/**
 * Benchmark worker: plays the transport's role — capture pipe frames are "sent" (timed), and a
 * fake server pushes 24 kHz audio turns in bursts, with interruptions — all inside a real module
 * worker, so a blocked main thread must not matter.
 */
import { createCapturePipe, type TimedCaptureFrame } from '../../src/worker/capture-pipe.ts';
import { createPlaybackPipe } from '../../src/worker/playback-pipe.ts';
import type { PlaybackEvent } from '../../src/worker/pipes.ts';
import { encodePcm16Base64 } from '../../src/dsp/index.ts';

interface Init {
  capture: { port: MessagePort; sampleRate: number };
  playback: { port: MessagePort; sampleRate: number };
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CHUNK_MS = 40;

function toneChunks(ms: number, hz = 330): string[] {
  const n = (ms * 24000) / 1000;
  const x = Float32Array.from(
    { length: n },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / 24000),
  );
  const step = (CHUNK_MS * 24000) / 1000;
  const out: string[] = [];
  for (let i = 0; i < n; i += step) out.push(encodePcm16Base64(x.subarray(i, i + step)));
  return out;
}

self.onmessage = async (e: MessageEvent<Init>) => {
  const { capture, playback } = e.data;
  const frames: { samples: number; at: number; latency: number }[] = [];
  const capturePipe = createCapturePipe(
    { port: capture.port, inputRate: capture.sampleRate },
    (f) => {
      const t = f as TimedCaptureFrame;
      frames.push({ samples: t.samples, at: t.at, latency: t.at - t.capturedAt });
    },
    () => {},
  );
  const events: PlaybackEvent[] = [];
  const pipe = createPlaybackPipe({ port: playback.port, outputRate: playback.sampleRate }, (ev) =>
    events.push(ev),
  );
  const phases: unknown[] = [];
  for (const phase of ['idle', 'jank']) {
    self.postMessage({ type: 'phase', phase });
    await sleep(300);
    const from = frames.length;
    const evFrom = events.length;
    const underrunsBefore = lastUnderruns(events);
    // Six turns: bursts of 200 ms of audio every 100 ms (2× real time), as the service sends.
    for (let t = 0; t < 6; t++) {
      const interrupting = t % 2 === 1;
      const chunks = toneChunks(interrupting ? 3000 : 1200);
      const started = now();
      for (let i = 0; i < chunks.length; i += 5) {
        if (interrupting && now() - started > 600) {
          pipe.interrupt(now());
          break;
        }
        const at = now();
        for (const c of chunks.slice(i, i + 5)) pipe.push(c, 24000, at);
        await sleep(100);
      }
      pipe.endTurn();
      await sleep(interrupting ? 300 : 1000);
    }
    await sleep(1200);
    const f = frames.slice(from);
    const ev = events.slice(evFrom);
    const gaps = f.slice(1).map((x, i) => x.at - f[i]!.at);
    phases.push({
      phase,
      frames: f.length,
      frameSamples: [...new Set(f.map((x) => x.samples))],
      latencies: f.map((x) => x.latency),
      maxGapMs: Math.max(...gaps),
      gapsOver60: gaps.filter((g) => g > 60).length,
      firstAudio: ev.flatMap((x) => (x.type === 'first-audio' ? [x.audibleAt - x.receivedAt] : [])),
      silence: ev.flatMap((x) =>
        x.type === 'interrupt-silence' ? [x.silentAt - x.interruptedAt] : [],
      ),
      underruns: lastUnderruns(events) - underrunsBefore,
    });
  }
  capturePipe.close();
  pipe.close();
  self.postMessage({ type: 'done', phases });
};

function lastUnderruns(events: PlaybackEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'stats') return e.underruns;
  }
  return 0;
}

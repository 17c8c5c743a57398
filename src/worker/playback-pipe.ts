/**
 * Worker side of the speaker: model audio (base64 PCM16, 24 kHz normally) is decoded, resampled
 * to the context rate as one stream per turn and posted to the playback worklet's port. An
 * interruption flushes the worklet at once and drops the interrupted turn's late chunks here.
 */
import { decodePcm16Base64, encodePcm16Base64, type Resampler } from '../dsp/index.ts';
import { createDefaultResampler } from '../dsp/resampler.ts';
import type { PlaybackCommand, PlaybackReport } from '../../worklets/messages.ts';
import type {
  CreatePlaybackPipe,
  PlaybackEvent,
  PlaybackPipe,
  PlaybackPipeOptions,
} from './pipes.ts';

/**
 * After `interrupt()`, chunks keep being dropped until `endTurn()` — or until audio arrives after
 * this long a pause, which can only be a new answer: late chunks of the old turn were already in
 * flight and arrive back to back, while a new answer needs the user to stop speaking first.
 */
export const LATE_CHUNK_GAP_MS = 500;

/** Model audio rates the pipe accepts; anything else is a malformed frame, not a filter to design. */
const MIN_RATE = 8000;
const MAX_RATE = 96000;

const now = () => performance.timeOrigin + performance.now();

/** Plugs the playback worklet's port in; reports first audio, silence after interrupt, stats. */
export function createPlaybackPipe(
  options: PlaybackPipeOptions,
  onEvent: (event: PlaybackEvent) => void,
): PlaybackPipe {
  const { port, outputRate } = options;
  let turnId = 1;
  let open = false;
  // Made now, not on the first chunk: designing the filter takes tens of ms the first time
  // (then it is cached), which would otherwise delay the first audible answer. Gemini speaks 24 kHz.
  let resampler: Resampler | undefined = createDefaultResampler(24000, outputRate);
  warmUp(outputRate);
  let dropping = false;
  let lastDropAt = 0;
  let dropped = 0;
  const firstReceived = new Map<number, number>();
  let interrupt: { turnId: number; at: number } | undefined;
  let lastStats = { underruns: 0, lateChunks: 0, sentAt: 0 };

  const post = (cmd: PlaybackCommand) => {
    if (cmd.type === 'chunk') port.postMessage(cmd, [cmd.samples.buffer]);
    else port.postMessage(cmd);
  };
  const postSamples = (samples: Float32Array) => {
    // The resampler may return a view of its own buffer: transfer only a buffer we own whole.
    const own = samples.byteLength === samples.buffer.byteLength ? samples : samples.slice();
    if (own.length > 0) post({ type: 'chunk', turnId, samples: own });
  };

  port.onmessage = (e: MessageEvent) => {
    const r = e.data as PlaybackReport;
    const at = now();
    if (r.type === 'started') {
      const receivedAt = firstReceived.get(r.turnId);
      firstReceived.delete(r.turnId);
      if (receivedAt !== undefined)
        onEvent({ type: 'first-audio', turnId: r.turnId, receivedAt, audibleAt: at });
    } else if (r.type === 'silent' && interrupt && r.turnId <= interrupt.turnId) {
      onEvent({
        type: 'interrupt-silence',
        turnId: interrupt.turnId,
        interruptedAt: interrupt.at,
        silentAt: at,
        playedMs: (r.playedFrames * 1000) / outputRate,
      });
      interrupt = undefined;
    } else if (r.type === 'stats') {
      const lateChunks = r.lateChunks + dropped;
      // Forward on change, else once a second: stats cross to the main thread.
      const changed = r.underruns !== lastStats.underruns || lateChunks !== lastStats.lateChunks;
      if (!changed && at - lastStats.sentAt < 1000) return;
      lastStats = { underruns: r.underruns, lateChunks, sentAt: at };
      onEvent({ type: 'playback', underruns: r.underruns, bufferedMs: r.bufferedMs, lateChunks });
    }
  };

  const closeTurn = () => {
    if (!open) return;
    if (resampler) postSamples(resampler.flush());
    post({ type: 'end-turn', turnId });
    turnId++;
    open = false;
    resampler = undefined;
  };

  return {
    push(data: string, sampleRate: number, receivedAt: number): number {
      // Validate before touching any state: a refused chunk (thrown to the caller, reported as a
      // malformed frame) must leave the pipe exactly as it was.
      if (!(sampleRate >= MIN_RATE && sampleRate <= MAX_RATE))
        throw new RangeError(`Unsupported model audio rate ${sampleRate}`);
      const samples = decodePcm16Base64(data);
      if (dropping) {
        if (receivedAt - lastDropAt < LATE_CHUNK_GAP_MS) {
          lastDropAt = receivedAt;
          dropped++;
          return 0;
        }
        dropping = false;
      }
      if (!open) {
        open = true;
        firstReceived.set(turnId, receivedAt);
      }
      if (resampler?.fromHz !== sampleRate) {
        // A new turn, or a rate change mid-turn: start a fresh stream (no history across it).
        if (resampler) postSamples(resampler.flush());
        resampler = createDefaultResampler(sampleRate, outputRate);
      }
      postSamples(resampler.process(samples));
      return turnId;
    },
    interrupt(at: number): void {
      // A completed turn may still be playing out of the buffer: flush it too.
      const flushId = open ? turnId : turnId - 1;
      if (flushId > 0) {
        post({ type: 'flush', turnId: flushId });
        interrupt = { turnId: flushId, at };
      }
      firstReceived.delete(flushId);
      if (!open) return;
      dropping = true;
      lastDropAt = at;
      open = false;
      resampler = undefined;
      turnId++;
    },
    endTurn(): void {
      dropping = false;
      closeTurn();
    },
    close(): void {
      port.onmessage = null;
      port.close();
    },
  };
}

createPlaybackPipe satisfies CreatePlaybackPipe;

/**
 * Runs half a second of silence through decode and resample on a throwaway resampler: the first
 * answer's chunks otherwise meet cold code (the engine compiles hot loops only after running
 * them), and its first chunk → audible took 45–130 ms against ~10 ms for later answers.
 */
function warmUp(outputRate: number): void {
  const chunk = encodePcm16Base64(new Float32Array(960)); // 40 ms at 24 kHz
  const r = createDefaultResampler(24000, outputRate);
  for (let i = 0; i < 12; i++) r.process(decodePcm16Base64(chunk));
}

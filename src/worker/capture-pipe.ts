/**
 * Worker side of the microphone: quanta from the capture worklet (context rate) are resampled to
 * 16 kHz as a stream, cut into 20 ms frames, PCM16-encoded to base64 and handed to the router,
 * with a local VAD estimate. All of it runs in the worker: the main thread does no per-quantum work.
 */
import { encodePcm16Base64, type Resampler } from '../dsp/index.ts';
import { createDefaultResampler } from '../dsp/resampler.ts';
import type { CaptureAudioMessage } from '../../worklets/messages.ts';
import { AudioClock } from './audio-clock.ts';
import { Framer } from './audio-framer.ts';
import { EnergyVad } from './audio-vad.ts';
import {
  CAPTURE_RATE,
  type CaptureFrame,
  type CapturePipe,
  type CreateCapturePipe,
} from './pipes.ts';

const now = () => performance.timeOrigin + performance.now();

/** Plugs the capture worklet's port in; frames go to `onFrame`, VAD edges to `onEvent`. */
export const createCapturePipe: CreateCapturePipe = (options, onFrame, onEvent): CapturePipe => {
  const { port, inputRate } = options;
  const frameMs = options.frameMs ?? 20;
  const frameSamples = Math.round((CAPTURE_RATE * frameMs) / 1000);
  const vad = new EnergyVad({ frameMs });
  const clock = new AudioClock(inputRate);
  let resampler: Resampler = createDefaultResampler(inputRate, CAPTURE_RATE);
  let enabled = true;
  let blockEndFrame = 0;
  let blockLength = 0;

  const framer = new Framer(frameSamples, (frame, endIndex) => {
    let sum = 0;
    for (let i = 0; i < frame.length; i++) sum += frame[i]! * frame[i]!;
    const rms = Math.sqrt(sum / frame.length);
    const at = now();
    // The frame's last sample sits (blockLength − endIndex) output samples before the block end.
    const lastFrame = blockEndFrame - ((blockLength - endIndex) * inputRate) / CAPTURE_RATE;
    const out: CaptureFrame = {
      data: encodePcm16Base64(frame),
      samples: frame.length,
      rms,
      at,
      capturedAt: clock.wallTime(lastFrame),
    };
    onFrame(out);
    // Speech ends when the user stopped talking (capture time), not when the worker got to it.
    const edge = vad.update(rms, out.capturedAt);
    if (edge) onEvent(edge);
  });

  port.onmessage = (e: MessageEvent) => {
    const msg = e.data as CaptureAudioMessage;
    if (msg.type !== 'audio' || !enabled) return;
    clock.observe(msg.endFrame, now());
    const block = resampler.process(msg.samples);
    blockEndFrame = msg.endFrame - resampler.latency.inputSamples;
    blockLength = block.length;
    framer.push(block);
  };

  return {
    setEnabled(next: boolean): void {
      if (next === enabled) return;
      enabled = next;
      if (enabled) return;
      // A paused mic starts a fresh stream: no stale tail, no half frame from before the pause.
      framer.reset();
      resampler = createDefaultResampler(inputRate, CAPTURE_RATE);
      const edge = vad.end();
      if (edge) onEvent(edge);
    },
    close(): void {
      enabled = false;
      port.onmessage = null;
      port.close();
    },
  };
};

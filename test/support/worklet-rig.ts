/**
 * Real worklets in a real AudioContext: the playback worklet feeding the capture worklet as a tap,
 * so tests see every rendered sample and every message either worklet posts.
 */
import captureUrl from '../../worklets/capture.worklet.ts?worker&url';
import playbackUrl from '../../worklets/playback.worklet.ts?worker&url';

/**
 * Builds playback → capture (tap) in a new, running AudioContext (at `sampleRate` if given). `toPlay.port2` is where the
 * playback worklet's commands go in and its stats come out. `onClose` gets the context's cleanup.
 */
export async function playbackIntoTap(
  onClose: (close: () => Promise<void>) => void,
  tapOptions: { batchQuanta?: number; sampleRate?: number } = {},
) {
  const { sampleRate, batchQuanta } = tapOptions;
  const ctx = new AudioContext(sampleRate ? { sampleRate } : {});
  onClose(() => ctx.close());
  await ctx.resume();
  await Promise.all([
    ctx.audioWorklet.addModule(playbackUrl),
    ctx.audioWorklet.addModule(captureUrl),
  ]);
  const play = new AudioWorkletNode(ctx, 'live-agent-playback', {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [1],
  });
  const tap = new AudioWorkletNode(ctx, 'live-agent-capture', {
    numberOfOutputs: 0,
    channelCount: 1,
    channelCountMode: 'explicit',
    ...(batchQuanta ? { processorOptions: { batchQuanta } } : {}),
  });
  play.connect(tap);
  const toPlay = new MessageChannel();
  play.port.postMessage({ type: 'port', port: toPlay.port1 }, [toPlay.port1]);
  return { ctx, play, tap, toPlay };
}

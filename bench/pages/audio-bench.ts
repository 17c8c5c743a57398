/**
 * Benchmark page: opens the real media graph (default worklet URLs beside the bundle), hands its
 * ports to the benchmark worker and blocks the main thread 200 ms of every 500 ms in the "jank"
 * phase. `window.runAudioBench()` resolves with the worker's measurements.
 */
import { createWebAudioMedia } from '../../src/audio/index.ts';

declare global {
  interface Window {
    runAudioBench(): Promise<unknown>;
  }
}

window.runAudioBench = async () => {
  const media = createWebAudioMedia();
  const ports = await media.start();
  const worker = new Worker(new URL('./audio-bench.worker.js', import.meta.url), {
    type: 'module',
  });
  let jank: ReturnType<typeof setInterval> | undefined;
  const result = await new Promise((resolve) => {
    worker.onmessage = (e: MessageEvent) => {
      if (e.data.type === 'phase' && e.data.phase === 'jank')
        jank = setInterval(() => {
          const until = performance.now() + 200;
          while (performance.now() < until);
        }, 500);
      if (e.data.type === 'done') resolve(e.data.phases);
    };
    const { capture, playback } = ports;
    worker.postMessage({ capture, playback }, [capture!.port, playback!.port]);
  });
  clearInterval(jank);
  worker.terminate();
  await media.close();
  return { sampleRate: ports.capture!.sampleRate, phases: result };
};

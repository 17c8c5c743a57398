/**
 * `live-agent-capture`: downmixes the microphone to mono and posts it, a few 128-frame quanta at
 * a time with the buffer transferred, straight to the worker's MessagePort (the main thread never
 * sees audio). Input levels go out at ~30 Hz as tiny messages, only to sinks that want them
 * (./level-sinks.ts: the main thread while it reads levels, the meter worker), and not at all
 * while the input is digital silence.
 */
import { LevelSinks, levelQuanta } from './level-sinks.ts';
import type { CaptureAudioMessage, LevelMessage, WorkletControl } from './messages.ts';

const QUANTUM = 128;

/** `processorOptions` of the capture node. */
interface CaptureOptions {
  /** Quanta per message to the worker: fewer messages, ~2.7 ms more latency each. Default 2. */
  batchQuanta?: number;
}

class CaptureProcessor extends AudioWorkletProcessor {
  private worker: MessagePort | undefined;
  private enabled = true;
  private stopped = false;
  private readonly batchQuanta: number;
  private batch: Float32Array<ArrayBuffer>;
  private offset = 0;
  private readonly levelEvery = levelQuanta();
  private quanta = 0;
  private sumSquares = 0;
  private count = 0;
  private peak = 0;
  private postedSilence = false;
  private readonly sinks = new LevelSinks(this.port);

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    const opts = (options?.processorOptions ?? {}) as CaptureOptions;
    this.batchQuanta = Math.max(1, Math.min(8, Math.round(opts.batchQuanta ?? 2)));
    this.batch = new Float32Array(this.batchQuanta * QUANTUM);
    this.port.onmessage = (e: MessageEvent) => {
      const msg = e.data as WorkletControl;
      if (this.sinks.control(msg)) return;
      if (msg.type === 'port') this.worker = msg.port;
      else if (msg.type === 'enable') {
        this.enabled = msg.enabled;
        this.offset = 0; // a re-enabled mic must not send audio from before the pause
      } else if (msg.type === 'stop') this.stop();
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    // No channels for the first quanta, before the source is connected (docs/testing.md, Worklets).
    const channels = inputs[0];
    const first = channels?.[0];
    // Firefox also stops the channels of a disabled track: levels then fall to zero, not freeze.
    if (!channels || !first) {
      this.measure(undefined, QUANTUM);
      return true;
    }
    const n = first.length;
    if (this.offset + n > this.batch.length) this.post(n, currentFrame); // engines with other quantum sizes
    const dst = this.batch.subarray(this.offset, this.offset + n);
    if (channels.length === 1) dst.set(first);
    else this.downmix(channels, dst);
    this.measure(this.enabled ? dst : undefined, n);
    if (!this.enabled) return true;
    this.offset += n;
    if (this.offset + n > this.batch.length) this.post(n, currentFrame + n);
    return true;
  }

  /** Transfers the batch to the worker (dropped while no worker port is plugged in yet). */
  private post(n: number, endFrame: number): void {
    const samples = this.batch.subarray(0, this.offset);
    if (this.worker && samples.length > 0) {
      const msg: CaptureAudioMessage = { type: 'audio', samples, endFrame };
      this.worker.postMessage(msg, [samples.buffer]);
      this.batch = new Float32Array(Math.max(n, QUANTUM) * this.batchQuanta);
    }
    this.offset = 0;
  }

  private downmix(channels: Float32Array[], dst: Float32Array): void {
    const k = 1 / channels.length;
    dst.fill(0);
    for (const ch of channels) for (let i = 0; i < dst.length; i++) dst[i]! += (ch[i] ?? 0) * k;
  }

  private measure(block: Float32Array | undefined, n: number): void {
    if (block) {
      for (let i = 0; i < block.length; i++) {
        const v = block[i]!;
        this.sumSquares += v * v;
        const a = v < 0 ? -v : v;
        if (a > this.peak) this.peak = a;
      }
    }
    this.count += n;
    if (++this.quanta % this.levelEvery !== 0) return;
    // Silence (a muted or paused microphone) is posted once, not 30 times a second; nothing is
    // posted while no sink wants levels.
    const silent = this.peak === 0;
    if (!this.sinks.active || (silent && this.postedSilence && !this.sinks.fresh)) {
      this.sumSquares = this.count = this.peak = 0;
      return;
    }
    const msg: LevelMessage = {
      type: 'level',
      rms: Math.sqrt(this.sumSquares / Math.max(1, this.count)),
      peak: this.peak,
    };
    this.sinks.post(msg, silent !== this.postedSilence);
    this.postedSilence = silent;
    this.sumSquares = 0;
    this.count = 0;
    this.peak = 0;
  }

  private stop(): void {
    this.stopped = true;
    this.sinks.close();
    this.worker?.close();
    this.port.close();
  }
}

registerProcessor('live-agent-capture', CaptureProcessor);

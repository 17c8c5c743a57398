/**
 * `live-agent-playback`: renders model audio that the worker posts straight to this worklet
 * (never via the main thread) through an adaptive jitter buffer. Reports turn start, silence after
 * a flush and buffer stats to the worker (which stamps wall-clock times: the worklet scope has no
 * `performance`), and output levels with the played position at ~30 Hz to the sinks that want
 * them (./level-sinks.ts: the main thread while it reads levels or the position, the meter
 * worker); both only while something changes (an idle speaker posts nothing).
 */
import { LevelSinks, levelQuanta } from './level-sinks.ts';
import { JitterBuffer, type JitterEvent, type JitterOptions } from './jitter-buffer.ts';
import type {
  PlaybackCommand,
  PlaybackLevelMessage,
  PlaybackReport,
  WorkletControl,
} from './messages.ts';

const QUANTUM = 128;

class PlaybackProcessor extends AudioWorkletProcessor {
  private worker: MessagePort | undefined;
  private readonly buffer: JitterBuffer;
  private readonly levelEvery = levelQuanta();
  private readonly statsEvery = Math.max(1, Math.round(sampleRate / 10 / QUANTUM));
  private quanta = 0;
  private sumSquares = 0;
  private count = 0;
  private peak = 0;
  private stopped = false;
  private readonly sinks = new LevelSinks(this.port);
  private blockStart = 0;
  /** What the last level message said (to skip repeats while idle). */
  private readonly posted = { idle: false, turn: -1, played: -1, buffered: -1 };
  /** What the last stats report said. */
  private readonly stats = {
    underruns: -1,
    lateChunks: -1,
    buffered: -1,
    target: -1,
    turn: -1,
    played: -1,
  };

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    const tuning = (options?.processorOptions ?? {}) as Omit<JitterOptions, 'sampleRate'>;
    this.buffer = new JitterBuffer({ ...tuning, sampleRate }, (e) => this.report(e));
    this.port.onmessage = (e: MessageEvent) => {
      const msg = e.data as WorkletControl;
      if (this.sinks.control(msg)) return;
      if (msg.type === 'port') {
        this.worker = msg.port;
        this.worker.onmessage = (m: MessageEvent) => this.command(m.data as PlaybackCommand);
      } else if (msg.type === 'stop') this.stop();
    };
  }

  private command(cmd: PlaybackCommand): void {
    if (cmd.type === 'chunk') this.buffer.push(cmd.turnId, cmd.samples);
    else if (cmd.type === 'end-turn') this.buffer.endTurn(cmd.turnId);
    else if (cmd.type === 'flush') this.buffer.flush(cmd.turnId);
  }

  private report(e: JitterEvent): void {
    if (e.type === 'underrun') return; // counted in stats
    const frame = this.blockStart + e.offset;
    let msg: PlaybackReport;
    if (e.type === 'started') msg = { type: 'started', turnId: e.turnId, frame };
    else msg = { type: e.type, turnId: e.turnId, frame, playedFrames: e.playedFrames };
    this.worker?.postMessage(msg);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const out = outputs[0];
    const first = out?.[0];
    if (!out || !first) return true;
    this.blockStart = currentFrame;
    this.buffer.render(first);
    for (let ch = 1; ch < out.length; ch++) out[ch]?.set(first);
    this.measure(first);
    if (++this.quanta % this.statsEvery === 0) this.postStats();
    return true;
  }

  private measure(block: Float32Array): void {
    for (let i = 0; i < block.length; i++) {
      const v = block[i] ?? 0;
      this.sumSquares += v * v;
      const a = v < 0 ? -v : v;
      if (a > this.peak) this.peak = a;
    }
    this.count += block.length;
    if (this.quanta % this.levelEvery !== 0) return;
    const b = this.buffer;
    // Nothing playing and nothing moved since the last message: the main thread knows already.
    // (Plain number compares: the audio thread allocates nothing here.)
    const idle = !b.playing && this.peak === 0;
    const moved = b.lastTurn !== this.posted.turn || b.playedFrames !== this.posted.played;
    const same = idle && this.posted.idle && !moved && b.bufferedFrames === this.posted.buffered;
    if (!this.sinks.active || (same && !this.sinks.fresh)) {
      this.sumSquares = this.count = this.peak = 0;
      return;
    }
    const change = idle !== this.posted.idle;
    this.posted.idle = idle;
    this.posted.turn = b.lastTurn;
    this.posted.played = b.playedFrames;
    this.posted.buffered = b.bufferedFrames;
    const msg: PlaybackLevelMessage = {
      type: 'level',
      rms: Math.sqrt(this.sumSquares / Math.max(1, this.count)),
      peak: this.peak,
      turnId: b.lastTurn,
      playedFrames: b.playedFrames,
      bufferedFrames: b.bufferedFrames,
      playing: b.playing,
    };
    this.sinks.post(msg, change);
    this.sumSquares = 0;
    this.count = 0;
    this.peak = 0;
  }

  private postStats(): void {
    const b = this.buffer;
    // Stats that did not change are not sent: an idle speaker costs the worker nothing.
    const st = this.stats;
    if (
      b.underruns === st.underruns &&
      b.lateChunks === st.lateChunks &&
      b.bufferedFrames === st.buffered &&
      b.targetFrames === st.target &&
      b.currentTurn === st.turn &&
      b.playedFrames === st.played
    )
      return;
    st.underruns = b.underruns;
    st.lateChunks = b.lateChunks;
    st.buffered = b.bufferedFrames;
    st.target = b.targetFrames;
    st.turn = b.currentTurn;
    st.played = b.playedFrames;
    const msg: PlaybackReport = {
      type: 'stats',
      underruns: b.underruns,
      lateChunks: b.lateChunks,
      bufferedMs: (b.bufferedFrames * 1000) / sampleRate,
      targetMs: (b.targetFrames * 1000) / sampleRate,
      turnId: b.currentTurn,
      playedFrames: b.playedFrames,
    };
    this.worker?.postMessage(msg);
  }

  private stop(): void {
    this.stopped = true;
    this.sinks.close();
    this.worker?.close();
    this.port.close();
  }
}

registerProcessor('live-agent-playback', PlaybackProcessor);

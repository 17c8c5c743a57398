/**
 * Soak with faults, time-accelerated: one long conversation (worker transport, Web Audio media,
 * a numbered microphone in the worker: test/support/soak.worker.ts) against the emulator, whose
 * connections live 2.5 s (goAway 0.8 s before: a hand-off every ~2 s, the service's 10 minutes
 * compressed), while a seeded schedule injects 1006 drops, 1011 closes mid-reply, a token endpoint
 * that is slow, answers 500 or never answers, and network stalls. The agent talks throughout.
 *
 * Figures: hand-offs and reconnects done, microphone frames lost (never received by any
 * connection) beyond what the SDK reported dropped by its bounds (target 0), frames duplicated
 * (the 100 ms resend after abrupt closes), heap growth (Chromium), tracks / AudioContexts /
 * workers / message ports left (target 0), final status. `npm test` runs ~12 s per engine; the
 * bench (`npm run bench -- soak`) runs the full hour at one simulated minute per 1.5 s.
 */
import { afterEach, expect, test } from 'vitest';
import { LiveAgentSession } from '../../src/core/session.ts';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import { sourceMedia } from '../support/source-deps.ts';
import { prng } from '../support/fuzz-frames.ts';
import { socketLog } from '../support/soak-log.ts';
import {
  startEmulator,
  type EmulatorControl,
  type SessionControl,
} from '../support/emulator-control.ts';

const env = import.meta.env as Record<string, string | undefined>;
/** Real seconds of soak (the bench sets VITE_SOAK_SECONDS=90: 60 simulated minutes). */
const SECONDS = Number(env.VITE_SOAK_SECONDS ?? 12);
const SEED = Number(env.VITE_SOAK_SEED ?? 20261206);
const LIFETIME_MS = 2500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Fault =
  'none' | 'drop-1006' | 'close-1011-mid-reply' | 'token-slow-then-500' | 'token-hang' | 'stall';
// 'none' leaves a connection alone long enough for its goAway hand-off.
const FAULTS: Fault[] = [
  'token-hang',
  'none',
  'close-1011-mid-reply',
  'none',
  'stall',
  'token-slow-then-500',
  'none',
  'drop-1006',
  'none',
];

/** Counts what the page opens: tracks, AudioContexts, workers, MessageChannels; restores on cleanup. */
function resourceSpy() {
  const tracks: MediaStreamTrack[] = [];
  const contexts: AudioContext[] = [];
  const workers: { terminated: boolean }[] = [];
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = async (c) => {
    const stream = await gum(c);
    tracks.push(...stream.getTracks());
    return stream;
  };
  // Every MessageChannel end the page creates must end up transferred (to the worker or a
  // worklet) or closed: count the ends that are neither.
  const Channel = globalThis.MessageChannel;
  const transferred = new WeakSet<object>();
  const closed = new WeakSet<object>();
  const ends: MessagePort[] = [];
  const workerPost = Worker.prototype.postMessage;
  const portPost = MessagePort.prototype.postMessage;
  const portClose = MessagePort.prototype.close;
  const mark = (transfer: unknown) => {
    const list = Array.isArray(transfer)
      ? transfer
      : ((transfer as { transfer?: unknown[] } | undefined)?.transfer ?? []);
    for (const t of list) if (t instanceof MessagePort) transferred.add(t);
  };
  Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: unknown) {
    mark(transfer);
    return workerPost.call(this, message, transfer as never);
  } as typeof workerPost;
  MessagePort.prototype.postMessage = function (
    this: MessagePort,
    message: unknown,
    transfer?: unknown,
  ) {
    mark(transfer);
    return portPost.call(this, message, transfer as never);
  } as typeof portPost;
  MessagePort.prototype.close = function (this: MessagePort) {
    closed.add(this);
    return portClose.call(this);
  };
  globalThis.MessageChannel = class extends Channel {
    constructor() {
      super();
      ends.push(this.port1, this.port2);
    }
  };
  cleanups.push(() => {
    md.getUserMedia = gum;
    globalThis.MessageChannel = Channel;
    Worker.prototype.postMessage = workerPost;
    MessagePort.prototype.postMessage = portPost;
    MessagePort.prototype.close = portClose;
  });
  const portsLeft = () => ends.filter((p) => !transferred.has(p) && !closed.has(p)).length;
  const worker = () => {
    const w = new Worker(new URL('../support/soak.worker.ts', import.meta.url), { type: 'module' });
    const entry = { terminated: false };
    workers.push(entry);
    const terminate = w.terminate.bind(w);
    w.terminate = () => {
      entry.terminated = true;
      terminate();
    };
    return w;
  };
  return { tracks, contexts, workers, portsLeft, channels: () => ends.length / 2, worker };
}

async function current(emu: EmulatorControl): Promise<SessionControl | undefined> {
  const open = (await emu.sessions()).filter((s) => s.open && s.setup);
  const last = open.at(-1);
  return last ? emu.session(last.index) : undefined;
}

test(
  `soak: ${SECONDS} s of conversation with hand-offs and faults loses no audio and leaks nothing`,
  async () => {
    const emu = await startEmulator({
      connectionLifetimeMs: LIFETIME_MS,
      goAwayLeadMs: 800,
      vad: { thresholdDb: 50 }, // the numbered microphone is not speech
      audio: { chunkMs: 40, speed: 2 },
    });
    cleanups.push(() => emu.close());
    const spy = resourceSpy();
    const media = sourceMedia();
    const session = new LiveAgentSession(
      {
        token: { url: emu.tokenUrl() },
        endpoint: emu.url,
        connectTimeoutMs: 2500,
        reconnect: { maxAttempts: 8 },
      },
      { transport: createWorkerTransport({ worker: spy.worker }), media },
    );
    cleanups.push(() => session.dispose());
    const counts = { handoffs: 0, reconnects: 0, congestion: 0, fatal: 0, goaway: 0 };
    const statuses: string[] = [];
    session.on('resumed', (e) => (e.handoff ? counts.handoffs++ : counts.reconnects++));
    session.on('goaway', () => counts.goaway++);
    session.on('congestion', (e) => e.congested && counts.congestion++);
    session.on('error', (e) => e.fatal && counts.fatal++);
    session.on('status', (e) => statuses.push(e.status));
    const heap = () =>
      (performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;

    const sockets = socketLog();
    cleanups.push(() => sockets.close());
    // On a loaded machine the first setup can outlast the 2.5 s timeout (WebKit, load 10: the
    // worker's modules still loading): try once more. The figures are about what follows.
    await session.connect().catch(() => session.connect());
    counts.fatal = 0;
    spy.contexts.push(media.context!);
    const heapStart = heap();
    const random = prng(SEED);
    const injected: Fault[] = [];
    /** When each fault began and ended (Date.now(), the emulator's clock too): explains a loss. */
    const timeline: string[] = [];
    const end = Date.now() + SECONDS * 1000;
    let f = 0;
    while (Date.now() < end) {
      await sleep(900 + random() * 900);
      const live = await current(emu);
      if (!live || session.status !== 'connected') continue;
      void live.say('Still here, talking through the soak.').catch(() => undefined);
      const fault = FAULTS[f++ % FAULTS.length]!;
      injected.push(fault);
      if (fault === 'none') continue;
      const began = Date.now();
      if (fault === 'drop-1006') await live.drop();
      else if (fault === 'close-1011-mid-reply') {
        await sleep(250);
        await live.close(1011, 'Internal error encountered.');
      } else if (fault === 'stall') {
        await live.link({ stall: true });
        await sleep(1500);
        await live.link({ resume: true });
      } else {
        await emu.tokenPlan(fault === 'token-hang' ? ['hang'] : ['slow:700', 'error']);
        await live.drop();
      }
      timeline.push(`${fault} ${began}–${Date.now()}`);
      if (media.context && !spy.contexts.includes(media.context)) spy.contexts.push(media.context);
    }
    // Let the last recovery finish, then read the figures.
    for (let i = 0; i < 200 && session.status !== 'connected'; i++) await sleep(50);
    const finalStatus = session.status;
    await sleep(400);
    const droppedMs = session.getSnapshot().metrics.captureDroppedMs;
    const heapEnd = heap();
    await session.disconnect();

    const marks: number[] = [];
    for (const info of await emu.sessions())
      marks.push(...(await emu.session(info.index).audioMarks()));
    const seen = new Map<number, number>();
    for (const m of marks) seen.set(m, (seen.get(m) ?? 0) + 1);
    const last = Math.max(...marks);
    const missing: number[] = [];
    for (let n = 1; n <= last; n++) if (!seen.has(n)) missing.push(n);
    const lost = missing.length;
    const duplicated = marks.length - seen.size;
    const droppedFrames = Math.round(droppedMs / 20);

    // The last worker is terminated once its socket has closed (late on a loaded machine).
    for (let i = 0; i < 200 && (spy.workers.some((w) => !w.terminated) || spy.portsLeft() > 0); i++)
      await sleep(50);
    const figures = {
      engine: navigator.userAgent,
      seconds: SECONDS,
      seed: SEED,
      faults: injected.filter((x) => x !== 'none').length,
      byFault: Object.fromEntries(
        [...new Set(FAULTS)]
          .filter((k) => k !== 'none')
          .map((k) => [k, injected.filter((x) => x === k).length]),
      ),
      connections: (await emu.sessions()).length,
      goaways: counts.goaway,
      handoffs: counts.handoffs,
      reconnects: counts.reconnects,
      congestions: counts.congestion,
      framesProduced: last,
      lostFrames: lost,
      droppedByBoundFrames: droppedFrames,
      lostBeyondBoundMs: Math.max(0, lost - droppedFrames) * 20,
      duplicatedFrames: duplicated,
      heapGrowthMB: heapStart && heapEnd ? Math.round((heapEnd - heapStart) / 1e4) / 100 : null,
      tracksLeft: spy.tracks.filter((t) => t.readyState !== 'ended').length,
      contextsLeft: spy.contexts.filter((c) => c.state !== 'closed').length,
      workersLeft: spy.workers.filter((w) => !w.terminated).length,
      channels: spy.channels(),
      portsLeft: spy.portsLeft(),
      finalStatus,
      fatalErrors: counts.fatal,
    };
    console.log(`SOAK_RESULT ${JSON.stringify(figures)}`);
    if (figures.lostBeyondBoundMs > 0) {
      // Where each connection's audio ended at the emulator, beside the faults, in one clock.
      const received: string[] = [];
      /** Where each frame arrived: "session i at t". */
      const where = new Map<number, string>();
      for (const info of await emu.sessions()) {
        let count = 0;
        for (const f of await emu.session(info.index).received()) {
          const data = f.message?.realtimeInput?.audio?.data;
          if (typeof data !== 'string') continue;
          count++;
          // Frame n carries n in every sample; a message may hold several 20 ms (640 B) frames.
          const bytes = atob(data);
          for (let i = 0; i + 1 < bytes.length; i += 640)
            where.set(
              bytes.charCodeAt(i) | (bytes.charCodeAt(i + 1) << 8),
              `session ${info.index} at ${f.at}`,
            );
        }
        received.push(`session ${info.index}: ${count} audio messages`);
      }
      const edges = missing
        .filter((n) => !missing.includes(n - 1) || !missing.includes(n + 1))
        .flatMap((n) => [n - 1, n + 1].filter((m) => !missing.includes(m)))
        .map((m) => `frame ${m}: ${where.get(m) ?? 'nowhere'}`);
      console.log(
        `SOAK_LOST\n${sockets.explain(missing)}\nfaults: ${timeline.join('; ')}\n` +
          `${edges.join('\n')}\n${received.join('\n')}`,
      );
    }
    expect(finalStatus).toBe('connected');
    expect(counts.fatal).toBe(0);
    // A drop while a hand-off is opening is finished by that hand-off: the split varies by run.
    expect(counts.handoffs).toBeGreaterThanOrEqual(1);
    expect(counts.reconnects).toBeGreaterThanOrEqual(1);
    expect(counts.handoffs + counts.reconnects).toBeGreaterThanOrEqual(4);
    expect(figures.lostBeyondBoundMs).toBe(0);
    expect(figures.tracksLeft).toBe(0);
    expect(figures.contextsLeft).toBe(0);
    expect(figures.workersLeft).toBe(0);
    expect(figures.portsLeft).toBe(0);
    expect(session.status).toBe('closed');
  },
  (SECONDS + 60) * 1000,
);

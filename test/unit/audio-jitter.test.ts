import { describe, expect, test } from 'vitest';
import { JitterBuffer, type JitterEvent } from '../../worklets/jitter-buffer.ts';

const RATE = 48000;
const Q = 128;
const ms = (n: number) => Math.round((n * RATE) / 1000);

function setup(options: Partial<ConstructorParameters<typeof JitterBuffer>[0]> = {}) {
  const events: (JitterEvent & { quantum: number })[] = [];
  let quantum = 0;
  const jb = new JitterBuffer({ sampleRate: RATE, ...options }, (e) =>
    events.push({ ...e, quantum }),
  );
  const out = new Float32Array(Q);
  const render = (n = 1) => {
    const blocks: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      jb.render(out);
      blocks.push(out.slice());
      quantum++;
    }
    return blocks;
  };
  return { jb, events, render };
}

const dc = (frames: number, v = 0.5) => new Float32Array(frames).fill(v);
const peak = (b: Float32Array) => b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('JitterBuffer pre-roll', () => {
  test('waits for 40 ms (1920 frames at 48 kHz) before starting a turn', () => {
    const { jb, events, render } = setup();
    expect(jb.targetFrames).toBe(1920);
    jb.push(1, dc(ms(20)));
    expect(render(5).every((b) => peak(b) === 0)).toBe(true);
    jb.push(1, dc(ms(20)));
    const [first] = render(1);
    expect(peak(first!)).toBeCloseTo(0.5, 6);
    expect(events).toEqual([{ type: 'started', turnId: 1, offset: 0, quantum: 5 }]);
  });

  test('a turn shorter than the pre-roll plays once ended, and reports its length', () => {
    const { jb, events, render } = setup();
    jb.push(1, dc(300));
    render(3);
    expect(events).toHaveLength(0);
    jb.endTurn(1);
    render(3);
    expect(events.map((e) => e.type)).toEqual(['started', 'turn-done']);
    expect(events[1]).toMatchObject({ turnId: 1, playedFrames: 300, offset: 300 - 2 * Q });
    expect(jb.underruns).toBe(0);
  });

  test('plays every pushed sample in order, bit-exact, across chunk boundaries', () => {
    const { jb, render } = setup();
    const src = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7));
    for (let i = 0; i < src.length; i += 480) jb.push(1, src.slice(i, i + 480));
    jb.endTurn(1);
    const played = render(40).flatMap((b) => [...b]);
    expect(played.slice(0, 5000)).toEqual([...src]);
    expect(played.slice(5000).every((v) => v === 0)).toBe(true);
  });
});

describe('JitterBuffer adaptation', () => {
  test('an underrun grows the target by 40 ms and rebuffers before resuming', () => {
    const { jb, events, render } = setup();
    jb.push(1, dc(ms(40)));
    render(15); // 1920 frames play in 15 quanta
    render(1); // dry
    expect(jb.underruns).toBe(1);
    expect(jb.targetFrames).toBe(ms(80));
    expect(events.at(-1)).toMatchObject({ type: 'underrun', turnId: 1 });
    jb.push(1, dc(ms(60)));
    expect(peak(render(1)[0]!)).toBe(0); // 60 ms < 80 ms target: still buffering
    jb.push(1, dc(ms(20)));
    expect(peak(render(1)[0]!)).toBe(0.5);
  });

  test('growth stops at maxTargetMs (400 ms)', () => {
    const { jb, render } = setup();
    for (let i = 0; i < 20; i++) {
      jb.push(1, dc(jb.targetFrames));
      render(Math.ceil(jb.targetFrames / Q) + 1);
    }
    expect(jb.underruns).toBe(20);
    expect(jb.targetFrames).toBe(ms(400));
  });

  test('5 s without an underrun, the buffer all but drained between bursts: 10 ms steps down', () => {
    const { jb, render } = setup();
    jb.push(1, dc(ms(40)));
    render(16); // one underrun: target 80 ms
    expect(jb.targetFrames).toBe(ms(80));
    // A late link: each 80 ms burst comes just before the buffer runs dry (no unused headroom).
    const bursts = (quanta: number) => {
      for (let i = 0; i < quanta; i++) {
        if (jb.bufferedFrames < Q) jb.push(1, dc(ms(80)));
        render();
      }
    };
    bursts(Math.ceil(ms(5000) / Q) + 2);
    expect(jb.targetFrames).toBe(ms(70));
    bursts(Math.ceil(ms(5000) / Q));
    expect(jb.targetFrames).toBe(ms(60));
    expect(jb.underruns).toBe(1);
    const { jb: calm, render: r2 } = setup();
    calm.push(1, dc(ms(11_000)));
    calm.endTurn(1); // all of it here: no headroom to measure, 10 ms steps
    r2(Math.ceil(ms(10_500) / Q));
    expect(calm.targetFrames).toBe(ms(40));
  });

  test('after a starved stretch, each 5 s window gives back half the unused headroom', () => {
    const { jb, render } = setup();
    // Starvation: 9 underruns grow the target to 400 ms.
    for (let k = 0; k < 9; k++) {
      jb.push(1, dc(jb.targetFrames));
      render(Math.ceil(jb.targetFrames / Q) + 1);
    }
    expect(jb.underruns).toBe(9);
    expect(jb.targetFrames).toBe(ms(400));
    // The load is gone: audio arrives ahead again, ≥ 300 ms queued beyond what plays.
    jb.push(1, dc(ms(700)));
    const targets: number[] = [];
    for (let w = 0; w < 4; w++) {
      jb.push(1, dc(ms(5000)));
      render(Math.ceil(ms(5000) / Q));
      targets.push(Math.round((jb.targetFrames * 1000) / RATE));
    }
    expect(jb.underruns).toBe(9);
    // Low-water ≈ 300 ms a window: 150 ms steps, then the pre-roll floor.
    expect(targets[0]).toBeLessThanOrEqual(250);
    expect(targets[0]).toBeGreaterThan(40);
    expect(targets.slice(2)).toEqual([40, 40]);
  });

  test('an underrun restarts the stable window: no shrink within 5 s of a dropout', () => {
    const { jb, render } = setup();
    jb.push(1, dc(ms(40)));
    render(16); // underrun 1: 80 ms
    jb.push(1, dc(ms(4000)));
    render(Math.ceil(ms(4000) / Q) + 2); // 4 s played, then dry again: underrun 2, 120 ms
    expect(jb.underruns).toBe(2);
    expect(jb.targetFrames).toBe(ms(120));
    jb.push(1, dc(ms(4900)));
    render(Math.ceil(ms(4800) / Q)); // 4.8 s more: the window restarted at the dropout
    expect(jb.targetFrames).toBe(ms(120));
  });

  test('the end of a turn is not an underrun', () => {
    const { jb, events, render } = setup();
    jb.push(1, dc(ms(100)));
    jb.endTurn(1);
    render(60);
    expect(jb.underruns).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['started', 'turn-done']);
    expect(events[1]).toMatchObject({ playedFrames: ms(100) });
  });
});

describe('JitterBuffer flush', () => {
  test('fades linearly over one quantum (2.67 ms at 48 kHz) and is silent from the next', () => {
    const { jb, events, render } = setup();
    jb.push(1, dc(ms(200), 1));
    render(3);
    jb.flush(1);
    const [fade, after] = render(2);
    expect(fade![0]).toBeCloseTo(1 - 1 / Q, 6);
    expect(fade![63]).toBeCloseTo(1 - 64 / Q, 6);
    expect(fade![127]).toBe(0);
    for (let i = 1; i < Q; i++) expect(fade![i]!).toBeLessThan(fade![i - 1]!);
    expect(peak(after!)).toBe(0);
    expect(events.at(-1)).toEqual({
      type: 'silent',
      turnId: 1,
      offset: Q,
      playedFrames: 3 * Q,
      quantum: 3,
    });
    expect(jb.bufferedFrames).toBe(0);
  });

  test('fadeMs 5 gives a 240-frame fade, and fadeMs is capped at 10 ms', () => {
    const five = setup({ fadeMs: 5 });
    five.jb.push(1, dc(ms(200), 1));
    five.render(1);
    five.jb.flush(1);
    const [a, b] = five.render(2);
    expect(a![127]).toBeCloseTo(1 - 128 / 240, 5);
    expect(b![111]).toBe(0); // frame 239 of the fade
    expect(peak(b!.subarray(112))).toBe(0);
    const capped = setup({ fadeMs: 50 });
    capped.jb.push(1, dc(ms(200), 1));
    capped.render(1);
    capped.jb.flush(1);
    const blocks = capped.render(5);
    expect(blocks[3]![(ms(10) % Q) - 1]).toBe(0); // 480 frames = 3 quanta + 96
    expect(capped.events.at(-1)).toMatchObject({ type: 'silent', offset: ms(10) - 3 * Q });
  });

  test('drops late chunks of the flushed turn and counts them; the next turn plays', () => {
    const { jb, events, render } = setup();
    jb.push(1, dc(ms(100)));
    render(2);
    jb.flush(1);
    render(1);
    expect(jb.push(1, dc(ms(100)))).toBe(false);
    expect(jb.push(1, dc(ms(100)))).toBe(false);
    expect(jb.lateChunks).toBe(2);
    expect(peak(render(5).reduce((m, b) => (peak(b) > peak(m) ? b : m)))).toBe(0);
    expect(jb.push(2, dc(ms(50), 0.25))).toBe(true);
    expect(peak(render(1)[0]!)).toBe(0.25);
    expect(events.filter((e) => e.type === 'started').map((e) => e.turnId)).toEqual([1, 2]);
  });

  test('a flush while still pre-rolling reports silence at the next quantum', () => {
    const { jb, events, render } = setup();
    jb.push(1, dc(ms(10)));
    render(1);
    jb.flush(1);
    render(1);
    expect(events).toEqual([{ type: 'silent', turnId: 1, offset: 0, playedFrames: 0, quantum: 1 }]);
    expect(jb.bufferedFrames).toBe(0);
  });

  test('a second flush during the fade lets it finish smoothly and reports silence once', () => {
    const { jb, events, render } = setup({ fadeMs: 5 }); // 240 frames: the fade spans 2 quanta
    jb.push(1, dc(ms(200), 1));
    render(2);
    jb.flush(1);
    const [a] = render(1);
    jb.push(2, dc(ms(100))); // the next answer arrives, and is interrupted at once
    jb.flush(2);
    const [b, c] = render(2);
    expect(a![127]).toBeCloseTo(1 - 128 / 240, 5);
    expect(b![0]).toBeCloseTo(1 - 129 / 240, 5); // the ramp goes on: no jump to zero
    expect(peak(c!)).toBe(0);
    expect(events.filter((e) => e.type === 'silent')).toHaveLength(1);
    expect(jb.bufferedFrames).toBe(0);
  });

  test('the played position: the turn playing, or the last one, and its rendered frames', () => {
    const { jb, render } = setup();
    expect([jb.lastTurn, jb.playedFrames, jb.playing]).toEqual([0, 0, false]);
    jb.push(1, dc(ms(60)));
    jb.endTurn(1);
    render(3);
    expect([jb.lastTurn, jb.playedFrames, jb.playing]).toEqual([1, 3 * Q, true]);
    render(30);
    expect([jb.lastTurn, jb.playedFrames, jb.playing]).toEqual([1, ms(60), false]);
  });

  test('flushing an earlier turn keeps queued audio of later turns', () => {
    const { jb, render } = setup();
    jb.push(1, dc(ms(100)));
    jb.endTurn(1);
    jb.push(2, dc(ms(100), 0.25));
    render(2);
    jb.flush(1);
    render(1);
    expect(jb.bufferedFrames).toBe(ms(100));
    expect(peak(render(1)[0]!)).toBe(0.25);
  });
});

/** The worker RPC (src/transport/rpc.ts) over a real MessageChannel in one thread. */
import { describe, expect, it } from 'vitest';
import { expose, transfer, wrap } from '../../src/transport/rpc.ts';

function pair<T extends object>(api: T) {
  const channel = new MessageChannel();
  expose(api, channel.port1);
  return { remote: wrap<T>(channel.port2), close: () => channel.port1.close() };
}

describe('worker RPC', () => {
  it('answers each call by id, in any order, sync or async', async () => {
    const { remote } = pair({
      add: (a: number, b: number) => a + b,
      later: (v: string) => new Promise<string>((r) => setTimeout(() => r(v), 20)),
    });
    const slow = remote.later('slow');
    await expect(remote.add(2, 3)).resolves.toBe(5);
    await expect(slow).resolves.toBe('slow');
  });

  it('rejects with the name and message of what the method threw, sync or async', async () => {
    const { remote } = pair({
      boom(): void {
        throw new RangeError('too far');
      },
      async later(): Promise<void> {
        await null;
        throw new TypeError('late');
      },
    });
    await expect(remote.boom()).rejects.toMatchObject({ name: 'RangeError', message: 'too far' });
    await expect(remote.later()).rejects.toMatchObject({ name: 'TypeError', message: 'late' });
  });

  it('calls only the api object own methods', async () => {
    const { remote } = pair({ ok: () => 1 }) as unknown as {
      remote: Record<string, () => Promise<unknown>>;
    };
    await expect(remote.toString!()).rejects.toMatchObject({ name: 'TypeError' });
    await expect(remote.nothing!()).rejects.toThrow('No worker method nothing');
    expect((remote as { then?: unknown }).then).toBeUndefined();
  });

  it('moves marked arguments instead of copying them', async () => {
    const { remote } = pair({ size: (b: ArrayBuffer) => b.byteLength });
    const moved = new ArrayBuffer(8);
    const copied = new ArrayBuffer(8);
    await expect(remote.size(transfer(moved, [moved]))).resolves.toBe(8);
    await expect(remote.size(copied)).resolves.toBe(8);
    expect(moved.byteLength).toBe(0); // detached: it went to the other side
    expect(copied.byteLength).toBe(8);
  });
});

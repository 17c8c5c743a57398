/**
 * A raw `ws` client of the emulator for node tests that check the wire itself, and the
 * fast emulator those tests share (tone speech, no reply delay, audio as fast as it can go).
 */
import WebSocket from 'ws';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';

/** An emulator that answers at once, so wire tests do not wait on simulated speech. */
export function fastEmulator(apiKey: string): Promise<Emulator> {
  return createEmulator({ apiKey, speech: 'tone', responseDelayMs: 0, audio: { speed: Infinity } });
}

export interface RawClient {
  ws: WebSocket;
  /** Every frame as received: its text and whether it came as a binary frame. */
  frames: { text: string; binary: boolean }[];
  /** The frames that parsed as JSON objects, in order (scripted malformed frames are left out). */
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  /** The first parsed frame (so far or to come) that passes `test`. */
  next(
    test: (msg: Record<string, unknown>) => unknown,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

/** Opens `url` and resolves once the socket is open (rejects on a refused handshake). */
export function openRaw(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
  const ws = new WebSocket(url, options);
  const frames: RawClient['frames'] = [];
  const messages: RawClient['messages'] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, binary) => {
    const text = (data as Buffer).toString('utf8');
    frames.push({ text, binary });
    try {
      messages.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      // A scripted malformed frame: kept in `frames` only.
    }
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const next: RawClient['next'] = (test, timeoutMs = 4000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame')), timeoutMs);
      const check = (): void => {
        const found = messages.find((m) => test(m));
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, messages, closed, next }));
    ws.once('error', reject);
  });
}

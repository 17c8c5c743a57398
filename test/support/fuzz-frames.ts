/**
 * A seeded generator of hostile Gemini Live server frames for the inbound-path fuzz test. Same
 * seed, same frames, in every engine: a failure is reproduced by its seed and frame index.
 * Each frame says whether the SDK must refuse it (`malformed`: not a JSON object, or model audio
 * no decoder can accept) so the test can count typed ProtocolErrors against it.
 */
import { decodeBase64, encodeBase64 } from '../../src/dsp/index.ts';

export interface FuzzFrame {
  /** Frame text, or base64 of raw bytes when `bytes` is set. */
  data: string;
  bytes?: boolean;
  binary: boolean;
  /** The SDK must report it as a ProtocolError (it may report survivable frames too). */
  malformed: boolean;
  kind: string;
}

/** mulberry32: tiny, fast and good enough to spread cases; reproducible by seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, list: readonly T[]): T => list[int(r, list.length)]!;

/** JSON-ish values that break naive readers; `"__INF__"` becomes an overflowing number literal. */
function hostileValue(r: Rand, depth = 0): unknown {
  switch (int(r, 14)) {
    case 0:
      return 'x'.repeat(1 + int(r, 1 << int(r, 17))); // up to 128 KB
    case 1:
      return '__INF__';
    case 2:
      return -1 - int(r, 1e9);
    case 3:
      return null;
    case 4:
      return [];
    case 5:
      return {};
    case 6:
      return true;
    case 7:
      return depth < 3 ? { nested: hostileValue(r, depth + 1), [`k${int(r, 9)}`]: 1 } : 0;
    case 8:
      return '<img src=x onerror="window.__fuzzPwned=1">';
    case 9:
      return '\u0000\uFFFF\uD800 broken surrogate';
    case 10:
      return 'UNKNOWN_ENUM_VALUE';
    case 11:
      return 2 ** 53 + int(r, 100);
    case 12:
      return [hostileValue(r, depth + 1), hostileValue(r, depth + 1)];
    default:
      return 'ok';
  }
}

/** `depth` nested arrays around a value (deep nesting stresses parsers and structured clone). */
function deep(depth: number): string {
  return '['.repeat(depth) + '1' + ']'.repeat(depth);
}

/** Audio payloads: valid, odd-length, bad padding, bad characters, URL-safe, empty. */
function audioData(r: Rand): { data: unknown; valid: boolean } {
  const samples = new Uint8Array(2 * (1 + int(r, 480)));
  for (let i = 0; i < samples.length; i++) samples[i] = int(r, 256);
  const b64 = encodeBase64(samples);
  switch (int(r, 9)) {
    case 0:
      return { data: encodeBase64(samples.subarray(0, samples.length - 1)), valid: false }; // odd
    case 1:
      return { data: b64.replace(/=*$/, '') + '=A', valid: false }; // bad padding
    case 2:
      return { data: b64.slice(0, 8) + '!*' + b64.slice(8), valid: false };
    case 3:
      return { data: b64.replace(/\+/g, '-').replace(/\//g, '_'), valid: true }; // URL-safe
    case 4:
      return { data: '', valid: true };
    case 5:
      return { data: int(r, 1000), valid: true }; // wrong type: skipped, not audio
    case 6:
      return { data: b64.slice(0, 4 * int(r, b64.length / 4) + 1), valid: false }; // cut
    default:
      return { data: b64, valid: true };
  }
}

function audioFrame(r: Rand): { message: unknown; malformed: boolean } {
  const { data, valid } = audioData(r);
  const mimeType = pick(r, [
    'audio/pcm;rate=24000',
    'audio/pcm;rate=16000',
    'audio/pcm',
    'audio/pcm;rate=0',
    'audio/pcm;rate=99999999',
    'audio/weird',
    'text/plain',
    7,
  ] as const);
  const isAudio = typeof mimeType === 'string' && mimeType.startsWith('audio/');
  const badRate = mimeType === 'audio/pcm;rate=0' || mimeType === 'audio/pcm;rate=99999999';
  const malformed = isAudio && typeof data === 'string' && (!valid || badRate);
  const parts: unknown[] = [{ inlineData: { mimeType, data } }];
  if (r() < 0.3) parts.push({ text: hostileValue(r) });
  if (r() < 0.1) parts.push(null, 5, 'str', []);
  return {
    message: { serverContent: { modelTurn: { parts }, turnComplete: r() < 0.2 } },
    malformed,
  };
}

/** A frame with a valid top-level shape and hostile values (never a goAway: see `goAwayFrame`). */
function shapedFrame(r: Rand): unknown {
  const v = () => hostileValue(r);
  switch (int(r, 12)) {
    case 0:
      return { serverContent: { outputTranscription: { text: v(), finished: v() } } };
    case 1:
      return { serverContent: { inputTranscription: { text: v(), finished: v() } } };
    case 2:
      return { serverContent: { modelTurn: { parts: pick(r, [[], [{}], null, 'str', 5, v()]) } } };
    case 3:
      return { serverContent: { turnComplete: v(), turnCompleteReason: v(), interrupted: v() } };
    case 4:
      return { usageMetadata: { totalTokenCount: v(), promptTokenCount: v(), x: v() } };
    case 5:
      return { sessionResumptionUpdate: { newHandle: v(), resumable: v() } };
    case 6: {
      const id = pick(r, ['dup', 'dup', v()]);
      return {
        toolCall: {
          functionCalls: [
            { id, name: pick(r, ['no_such_tool', v()]), args: v() },
            { id, name: 'no_such_tool', args: {} },
          ],
        },
      };
    }
    case 7:
      return { toolCallCancellation: { ids: pick(r, [v(), ['dup', 'dup', 5], 'x']) } };
    case 8:
      return { serverContent: { interrupted: true } };
    case 9:
      return { setupComplete: v() };
    case 10:
      return { [`unknownField${int(r, 5)}`]: v(), serverContent: v() };
    default:
      return { serverContent: { generationComplete: v(), groundingMetadata: v() } };
  }
}

/** goAway with hostile `timeLeft` (negative, absurd, not a duration). */
export function goAwayFrame(r: Rand): string {
  const timeLeft = pick(r, ['-5s', '1e999s', '99999999999s', 'soon', '', '0.001s', 7, null, '2s']);
  return JSON.stringify({ goAway: { timeLeft } });
}

const text = (value: unknown) => JSON.stringify(value).replace(/"__INF__"/g, '1e999');

function isObjectJson(data: string): boolean {
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Frame `index` of the stream of seed `seed` (independent of the others: any can be replayed). */
export function fuzzFrame(seed: number, index: number): FuzzFrame {
  const r = prng((seed * 0x9e3779b1) ^ (index * 0x85ebca6b));
  const binary = r() < 0.3;
  const roll = r();
  if (roll < 0.3) {
    const { message, malformed } = audioFrame(r);
    return { data: text(message), binary, malformed, kind: 'audio' };
  }
  if (roll < 0.65) return { data: text(shapedFrame(r)), binary, malformed: false, kind: 'shaped' };
  if (roll < 0.78) {
    const whole = text(r() < 0.5 ? shapedFrame(r) : audioFrame(r).message);
    const data = whole.slice(0, int(r, whole.length));
    return { data, binary, malformed: !isObjectJson(data), kind: 'truncated' };
  }
  if (roll < 0.88) {
    const bytes = new Uint8Array(int(r, 512));
    for (let i = 0; i < bytes.length; i++) bytes[i] = int(r, 256);
    const data = encodeBase64(bytes);
    const asText = new TextDecoder().decode(decodeBase64(data));
    return { data, bytes: true, binary: true, malformed: !isObjectJson(asText), kind: 'garbage' };
  }
  if (roll < 0.93) {
    const data = pick(r, ['[]', '"str"', '42', 'null', 'NaN', 'Infinity', '', '{', '}{']);
    return { data, binary, malformed: true, kind: 'not-object' };
  }
  const nesting = deep(1 + int(r, 20000));
  const data = `{"serverContent":{"modelTurn":{"parts":[{"text":"deep","x":${nesting}}]}}}`;
  return { data, binary, malformed: false, kind: 'deep' };
}

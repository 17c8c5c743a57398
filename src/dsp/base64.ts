/**
 * Base64 without `btoa`/`atob` (which need binary strings and are absent in some worklet scopes)
 * and without a Buffer dependency. Encoding uses the platform's native encoder when there is one;
 * decoding is always ours so both alphabets are accepted and bad input is reported precisely.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Char code → 6-bit value; −1 for characters outside both the standard and URL-safe alphabets. */
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
DECODE['-'.charCodeAt(0)] = 62;
DECODE['_'.charCodeAt(0)] = 63;

/** 12 bits → two output char codes, so the encoder does one lookup per 1.5 bytes. */
const PAIRS = new Uint16Array(4096);
for (let i = 0; i < 4096; i++) {
  PAIRS[i] = (ALPHABET.charCodeAt(i >> 6) << 8) | ALPHABET.charCodeAt(i & 63);
}

const PAD = 61; // '='
const CHUNK = 0x8000; // String.fromCharCode argument count that is safe in every engine

interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
}

/** Standard base64 (with padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & NativeBase64).toBase64;
  return typeof native === 'function' ? native.call(bytes) : encodePortable(bytes);
}

/** The pure-JS encoder (exported for tests; `encodeBase64` picks a native one when available). */
export function encodePortable(bytes: Uint8Array): string {
  const n = bytes.length;
  const codes = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    const hi = PAIRS[v >> 12]!;
    const lo = PAIRS[v & 4095]!;
    codes[o++] = hi >> 8;
    codes[o++] = hi & 255;
    codes[o++] = lo >> 8;
    codes[o++] = lo & 255;
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | (i + 1 < n ? bytes[i + 1]! << 8 : 0);
    const hi = PAIRS[v >> 12]!;
    codes[o++] = hi >> 8;
    codes[o++] = hi & 255;
    codes[o++] = i + 1 < n ? ALPHABET.charCodeAt((v >> 6) & 63) : PAD;
    codes[o] = PAD;
  }
  let out = '';
  for (let c = 0; c < codes.length; c += CHUNK) {
    out += String.fromCharCode.apply(null, codes.subarray(c, c + CHUNK) as unknown as number[]);
  }
  return out;
}

/**
 * Decodes standard or URL-safe base64, padded or not. Throws a `SyntaxError` naming the first
 * invalid character and its position, or the impossible length.
 */
export function decodeBase64(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === PAD && text.length - end < 2) end--;
  if (end % 4 === 1) {
    throw new SyntaxError(`Invalid base64: ${end} data characters cannot encode whole bytes`);
  }
  if (end < text.length && text.length % 4 !== 0) {
    throw new SyntaxError(`Invalid base64: padded length ${text.length} is not a multiple of 4`);
  }
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (end - i >= 2) {
    const v = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12);
    out[o++] = v >> 16;
    if (end - i === 3) out[o] = ((v | (sextet(text, i + 2) << 6)) >> 8) & 255;
  }
  return out;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const v = code < 128 ? DECODE[code]! : -1;
  if (v < 0) {
    const shown = JSON.stringify(text.charAt(index));
    throw new SyntaxError(`Invalid base64: character ${shown} at position ${index}`);
  }
  return v;
}

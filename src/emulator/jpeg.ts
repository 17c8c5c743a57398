/** What the emulator records of a video frame: its size and, for JPEGs, its dimensions. */
import { decodeBase64 } from '../dsp/base64.ts';

export interface VideoFrameInfo {
  mimeType: string;
  bytes: number;
  /** 0 when the image is not a JPEG the header parser understands. */
  width: number;
  height: number;
}

/** Width and height from a JPEG's start-of-frame marker (baseline or progressive). */
export function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
    i += 2 + length;
  }
  return null;
}

/** Describes one `realtimeInput.video` blob. */
export function videoFrameInfo(blob: { data?: string; mimeType?: string }): VideoFrameInfo {
  const bytes = decodeBase64(blob.data ?? '');
  const size = jpegSize(bytes) ?? { width: 0, height: 0 };
  return { mimeType: blob.mimeType ?? '', bytes: bytes.length, ...size };
}

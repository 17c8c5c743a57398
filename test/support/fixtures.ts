/**
 * Test fixtures made at set-up time rather than committed: a speech WAV for Chromium's fake
 * microphone (espeak-ng + sox when present, otherwise a synthetic voiced signal written in JS).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SPEECH_WAV = fileURLToPath(
  new URL('../fixtures/generated/speech.wav', import.meta.url),
);

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** 48 kHz mono s16: ~1.5 s of speech followed by ~1.5 s of silence, so VAD sees turn ends. */
export async function ensureSpeechWav(): Promise<string> {
  if (existsSync(SPEECH_WAV)) return SPEECH_WAV;
  mkdirSync(dirname(SPEECH_WAV), { recursive: true });
  if (has('espeak-ng') && has('sox')) {
    const raw = SPEECH_WAV.replace(/\.wav$/, '-22k.wav');
    execFileSync('espeak-ng', ['-w', raw, 'Testing one two three. What time is it?']);
    execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', SPEECH_WAV, 'pad', '0', '1.5']);
  } else {
    writeFileSync(SPEECH_WAV, synthVoiceWav(48000));
  }
  return SPEECH_WAV;
}

/** A voiced, vowel-like signal (150 Hz harmonics, syllable envelope) then silence. */
function synthVoiceWav(rate: number): Buffer {
  const n = rate * 3;
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    let v = 0;
    if (t < 1.5) {
      const syllable = Math.max(0, Math.sin(Math.PI * ((t * 4) % 1)));
      for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * 150 * h * t) / h;
      v *= 0.25 * syllable;
    }
    pcm[i] = Math.round(Math.max(-1, Math.min(1, v)) * 32767);
  }
  return wavBytes(pcm, rate);
}

/** A mono 16-bit PCM WAV file's bytes (44-byte RIFF header + little-endian samples). */
export function wavBytes(pcm: Int16Array, rate: number): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

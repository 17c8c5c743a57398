/**
 * The agent's voice: 24 kHz PCM16 for a reply text. espeak-ng gives intelligible speech when
 * installed; `echo` plays the user's own last utterance back (proves the audio path end to end);
 * `tone` is deterministic syllable-like beeps for tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseWav, resample } from './pcm.ts';
import type { SpeechMode } from './types.ts';

/** Output rate of Gemini Live audio. */
export const OUTPUT_RATE = 24000;
const ESPEAK = '/usr/bin/espeak-ng';
const ESPEAK_TIMEOUT_MS = 5000;

/** True when espeak-ng is installed where the emulator looks for it. */
export function hasEspeak(): boolean {
  return existsSync(ESPEAK);
}

/**
 * Renders `text` as 24 kHz audio. `echo` is the user's last utterance (16 kHz) when there is one;
 * espeak failures fall back to echo, then to tones, so a reply always has audio.
 */
export async function synthesize(
  text: string,
  mode: SpeechMode,
  echo: Int16Array | undefined,
): Promise<Int16Array> {
  if (mode === 'espeak' && hasEspeak()) {
    try {
      return await espeak(text);
    } catch {
      // fall through to echo/tone: a broken voice must not break the conversation
    }
  }
  if (mode !== 'tone' && echo && echo.length > 0) return resample(echo, 16000, OUTPUT_RATE);
  return tones(text);
}

/** Syllable-like tone bursts: one 180 ms vowel-ish tone and a 50 ms gap per word. */
export function tones(text: string): Int16Array {
  const words = text.split(/\s+/).filter(Boolean);
  const count = Math.max(1, words.length);
  const wordLen = Math.round(OUTPUT_RATE * 0.18);
  const gapLen = Math.round(OUTPUT_RATE * 0.05);
  const out = new Int16Array(count * (wordLen + gapLen));
  for (let w = 0; w < count; w++) {
    const word = words[w] ?? '';
    // Pitch from the word itself so the same text always sounds the same.
    const f0 = 140 + (hash(word) % 8) * 15;
    const base = w * (wordLen + gapLen);
    for (let i = 0; i < wordLen; i++) {
      const t = i / OUTPUT_RATE;
      const env = Math.sin((Math.PI * i) / wordLen);
      const v = Math.sin(2 * Math.PI * f0 * t) * 0.6 + Math.sin(2 * Math.PI * f0 * 2 * t) * 0.25;
      out[base + i] = Math.round(v * env * 0.5 * 32767);
    }
  }
  return out;
}

function hash(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

function espeak(text: string): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    // Text goes on stdin, never argv: it comes from the client and must not become flags.
    const child = spawn(ESPEAK, ['--stdout', '-s', '175', '-v', 'en-us'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), ESPEAK_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`espeak-ng exited with ${code}`));
      try {
        const wav = parseWav(Buffer.concat(chunks));
        resolve(resample(wav.samples, wav.rate, OUTPUT_RATE));
      } catch (e) {
        reject(e as Error);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
  });
}

/**
 * Streams one model utterance the way Google does: 24 kHz PCM16 `inlineData` chunks paced faster
 * than real time, output transcription fragments interleaved as the audio "reaches" each word,
 * or `text` parts when the session answers in TEXT. Stops at once when the reply is aborted.
 */
import type { ServerMessage } from '../core/wire.ts';
import { encodePcm16 } from './pcm.ts';
import { OUTPUT_RATE, synthesize } from './speech.ts';
import type { AudioPacing, SpeechMode } from './types.ts';

/** Where an utterance goes and how it should sound. */
export interface SpeakTarget {
  send(message: ServerMessage): void;
  readonly modality: 'AUDIO' | 'TEXT';
  readonly transcribeOutput: boolean;
  readonly pacing: AudioPacing;
  readonly speech: SpeechMode;
  /** The user's last utterance (16 kHz), for the echo voice. */
  readonly echo: Int16Array | undefined;
}

/** What was actually delivered (for usage metadata and history). */
export interface SpokenResult {
  completed: boolean;
  /** Milliseconds of audio sent. */
  audioMs: number;
  /** The part of the text the user got to hear/read. */
  deliveredText: string;
}

/** Sleeps, resolving early (with false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = (): void => done(false);
    // Even a zero wait yields to the event loop so incoming frames (barge-in) are seen.
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Speaks `text` into the target; resolves when done or interrupted. */
export async function speak(
  target: SpeakTarget,
  text: string,
  signal: AbortSignal,
): Promise<SpokenResult> {
  return target.modality === 'TEXT'
    ? speakText(target, text, signal)
    : speakAudio(target, text, signal);
}

async function speakText(target: SpeakTarget, text: string, signal: AbortSignal) {
  // A few fragments, split at word boundaries, like the recorded sessions ("Yes, I'" + "m here!").
  const pieces = splitFragments(text, Math.min(3, Math.max(1, Math.ceil(text.length / 40))));
  let delivered = '';
  for (const piece of pieces) {
    if (signal.aborted) return { completed: false, audioMs: 0, deliveredText: delivered };
    target.send({ serverContent: { modelTurn: { role: 'model', parts: [{ text: piece }] } } });
    delivered += piece;
    if (!(await sleep(20, signal)))
      return { completed: false, audioMs: 0, deliveredText: delivered };
  }
  return { completed: true, audioMs: 0, deliveredText: delivered };
}

async function speakAudio(target: SpeakTarget, text: string, signal: AbortSignal) {
  const pcm = await synthesize(text, target.speech, target.echo);
  const { chunkMs, speed, burst } = target.pacing;
  const chunkLen = Math.max(1, Math.round((OUTPUT_RATE * chunkMs) / 1000));
  const chunks = Math.max(1, Math.ceil(pcm.length / chunkLen));
  const words = text.match(/\S+\s*/g) ?? [];
  let wordIdx = 0;
  let delivered = '';
  let sentMs = 0;
  const waitMs = Number.isFinite(speed) && speed > 0 ? (chunkMs / speed) * Math.max(1, burst) : 0;
  for (let c = 0; c < chunks; c++) {
    if (signal.aborted) return { completed: false, audioMs: sentMs, deliveredText: delivered };
    // Transcript words are released in proportion to the audio sent so far.
    const due = Math.ceil(((c + 1) / chunks) * words.length);
    if (target.transcribeOutput && due > wordIdx) {
      const fragment = words.slice(wordIdx, due).join('');
      target.send({ serverContent: { outputTranscription: { text: fragment } } });
      delivered += fragment;
    } else if (!target.transcribeOutput && due > wordIdx) {
      delivered += words.slice(wordIdx, due).join('');
    }
    wordIdx = Math.max(wordIdx, due);
    const slice = pcm.subarray(c * chunkLen, Math.min(pcm.length, (c + 1) * chunkLen));
    target.send({
      serverContent: {
        modelTurn: {
          role: 'model',
          parts: [
            { inlineData: { mimeType: `audio/pcm;rate=${OUTPUT_RATE}`, data: encodePcm16(slice) } },
          ],
        },
      },
    });
    sentMs += (slice.length / OUTPUT_RATE) * 1000;
    const endOfBurst = (c + 1) % Math.max(1, burst) === 0 || c === chunks - 1;
    if (endOfBurst && !(await sleep(waitMs, signal))) {
      return { completed: false, audioMs: sentMs, deliveredText: delivered };
    }
  }
  return { completed: true, audioMs: sentMs, deliveredText: delivered.trimEnd() };
}

/** Splits text into about `n` pieces at spaces, keeping every character. */
export function splitFragments(text: string, n: number): string[] {
  if (n <= 1 || text.length < 8) return [text];
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i < n; i++) {
    let cut = text.indexOf(' ', Math.round((text.length * i) / n));
    if (cut < 0 || cut <= start) continue;
    cut += 1;
    out.push(text.slice(start, cut));
    start = cut;
  }
  out.push(text.slice(start));
  return out.filter((p) => p.length > 0);
}

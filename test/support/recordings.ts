/**
 * Parser for the recorded Gemini Live sessions in test/fixtures/gemini-live-recordings
 * (`>LEN json` client frames, `<LEN pretty json` server frames, blank-line separated). Robust to
 * CRLF, missing blank lines and frames whose JSON does not parse (kept as `malformed`).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** The recordings, committed with their attribution README (or LIVE_RECORDINGS_DIR). */
export const RECORDINGS_DIR =
  process.env.LIVE_RECORDINGS_DIR ??
  // From the repository root (Vitest's cwd): happy-dom gives import.meta.url an http: scheme.
  resolve(process.cwd(), 'test/fixtures/gemini-live-recordings');

/** One frame of a recording. */
export interface RecordedFrame {
  direction: 'client' | 'server';
  /** The LEN written in the log (bytes of the frame as sent). */
  length: number;
  /** The parsed JSON, or undefined when it did not parse. */
  json: unknown;
  /** The frame's text as written. */
  raw: string;
}

/** A parsed recording: all frames in order, plus client and server JSON separately. */
export interface Recording {
  name: string;
  frames: RecordedFrame[];
  client: Record<string, unknown>[];
  server: Record<string, unknown>[];
  /** Frames whose JSON did not parse. */
  malformed: RecordedFrame[];
}

const HEADER = /^([<>])(\d+) ?(.*)$/;

/** Parses the text of one `.websocket.log` file. */
export function parseRecording(text: string, name = 'recording'): Recording {
  const frames: RecordedFrame[] = [];
  let current: { direction: 'client' | 'server'; length: number; lines: string[] } | null = null;
  const finish = () => {
    if (!current) return;
    const raw = current.lines.join('\n').trim();
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    frames.push({ direction: current.direction, length: current.length, json, raw });
    current = null;
  };
  for (const line of text.split(/\r?\n/)) {
    // A header starts a frame; pretty-printed JSON lines never start with `<` or `>`.
    const m = HEADER.exec(line);
    if (m) {
      finish();
      current = {
        direction: m[1] === '>' ? 'client' : 'server',
        length: Number(m[2]),
        lines: [m[3] ?? ''],
      };
    } else if (current) {
      current.lines.push(line);
    }
  }
  finish();
  const objects = (dir: 'client' | 'server') =>
    frames
      .filter((f) => f.direction === dir && isRecord(f.json))
      .map((f) => f.json as Record<string, unknown>);
  return {
    name,
    frames,
    client: objects('client'),
    server: objects('server'),
    malformed: frames.filter((f) => f.json === undefined),
  };
}

/** Loads and parses one file. */
export function loadRecording(path: string): Recording {
  return parseRecording(
    readFileSync(path, 'utf8'),
    basename(path).replace(/\.websocket\.log$/, ''),
  );
}

/** Every `.websocket.log` in `dir`, sorted by name (empty when the folder is missing). */
export function loadRecordings(dir = RECORDINGS_DIR): Recording[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.websocket.log'))
    .sort()
    .map((f) => loadRecording(join(dir, f)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

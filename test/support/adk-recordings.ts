/**
 * Parser for the recorded ADK `/run_live` sessions (test/fixtures/adk-run-live for ADK 1.18,
 * adk-run-live-2 for ADK 2.x): `>LEN text` client and `<LEN text` server frames, one line each,
 * blank-line separated; `#` lines are annotations and end a frame (the trailing `#CLOSE` line must
 * not be glued to the last frame). Sockets are split at each `# WS GET` line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The two committed sets, from the repository root (Vitest's cwd). */
export const ADK_SETS = {
  '1.18': resolve(process.cwd(), 'test/fixtures/adk-run-live'),
  '2.x': resolve(process.cwd(), 'test/fixtures/adk-run-live-2'),
  /** ADK 1.18 again, unpatched, with the google-genai pip resolves for it today (1.75). */
  '1.18+genai-1.75': resolve(process.cwd(), 'test/fixtures/adk-run-live-2/adk-1.18-genai-1.75'),
} as const;

export interface AdkFrame {
  direction: 'client' | 'server';
  /** LEN as written: UTF-8 bytes of the frame. */
  length: number;
  text: string;
  /** True when the line before said the frame went as a BINARY WebSocket frame. */
  binary: boolean;
}

export interface AdkSocket {
  /** The `/run_live?…` target of its `# WS GET` line. */
  target: string;
  frames: AdkFrame[];
  /** `#CLOSE code reason`: the server closed. */
  close?: { code: number; reason: string };
  /** `#CLOSE-BY-CLIENT code`; `unanswered` when the server never answered the close frame. */
  clientClose?: { code: number; unanswered: boolean };
}

export interface AdkRecording {
  name: string;
  header: string[];
  sockets: AdkSocket[];
  /** `# REST …` annotation lines (the create call, the GET after the sockets). */
  rest: string[];
}

const FRAME = /^([<>])(\d+) (.*)$/;

/** Parses one `.websocket.log` text. */
export function parseAdkRecording(text: string, name = 'recording'): AdkRecording {
  const rec: AdkRecording = { name, header: [], sockets: [], rest: [] };
  let socket: AdkSocket | undefined;
  let frame: AdkFrame | undefined;
  let binaryNext = false;
  for (const line of text.split(/\r?\n/)) {
    const m = FRAME.exec(line);
    if (m) {
      if (!socket) throw new Error(`${name}: a frame before any "# WS GET" line`);
      frame = {
        direction: m[1] === '>' ? 'client' : 'server',
        length: Number(m[2]),
        text: m[3] ?? '',
        binary: binaryNext,
      };
      binaryNext = false;
      socket.frames.push(frame);
      continue;
    }
    if (line.startsWith('#') || line === '') frame = undefined;
    if (line === '') continue;
    if (!line.startsWith('#')) {
      if (!frame) throw new Error(`${name}: stray line ${line.slice(0, 40)}`);
      frame.text += `\n${line}`;
      continue;
    }
    const ws = /^# WS GET (\/run_live\?\S+)/.exec(line);
    const close = /^#CLOSE (\d+) ?(.*)$/.exec(line);
    const byClient = /^#CLOSE-BY-CLIENT (\d+)(.*)$/.exec(line);
    if (ws) {
      socket = { target: ws[1] ?? '', frames: [] };
      rec.sockets.push(socket);
    } else if (byClient && socket) {
      socket.clientClose = {
        code: Number(byClient[1]),
        unanswered: /never answered/.test(byClient[2] ?? ''),
      };
    } else if (close && socket) {
      socket.close = { code: Number(close[1]), reason: close[2] ?? '' };
    } else if (/^# the next client frame was sent as a BINARY/.test(line)) {
      binaryNext = true;
    } else if (/^# REST /.test(line)) {
      rec.rest.push(line);
    }
    if (!socket) rec.header.push(line);
  }
  return rec;
}

/** Every `.websocket.log` of a set, parsed, by scenario name. */
export function loadAdkSet(dir: string): Map<string, AdkRecording> {
  const out = new Map<string, AdkRecording>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.websocket.log'))
    .sort()) {
    const name = file.replace(/\.websocket\.log$/, '');
    out.set(name, parseAdkRecording(readFileSync(resolve(dir, file), 'utf8'), name));
  }
  return out;
}

/** Server frames of a recording as JSON objects. */
export function serverEvents(rec: AdkRecording): Record<string, unknown>[] {
  return rec.sockets.flatMap((s) =>
    s.frames
      .filter((f) => f.direction === 'server')
      .map((f) => JSON.parse(f.text) as Record<string, unknown>),
  );
}

/** Object keys at every depth, except inside free-form values (tool args/results, state). */
export function keysOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      if (!['args', 'response', 'stateDelta', 'state'].includes(k)) keysOf(v, out);
    }
  }
  return out;
}

/** An ADK event as the tests read it. */
export type AdkEvent = Record<string, unknown> & {
  content?: { role?: string; parts?: Record<string, unknown>[] };
  author?: string;
  partial?: boolean;
};

/** The input or output transcription of an event. */
export const transcript = (e: AdkEvent, key: 'inputTranscription' | 'outputTranscription') =>
  e[key] as { text?: string; finished?: boolean } | undefined;

/** Every `inlineData` of the events. */
export const audioData = (events: AdkEvent[]) =>
  events.flatMap((e) =>
    (e.content?.parts ?? [])
      .map((p) => p.inlineData as { data: string; mimeType: string } | undefined)
      .filter((d) => d !== undefined),
  );

/** The ADK 1.18 and 2.x sets, loaded. */
export function loadVersions() {
  return { '1.18': loadAdkSet(ADK_SETS['1.18']), '2.x': loadAdkSet(ADK_SETS['2.x']) };
}

/** One recording of a loaded set (throws when missing). */
export function pick(set: Map<string, AdkRecording>, name: string): AdkRecording {
  const r = set.get(name);
  if (!r) throw new Error(`no recording ${name}`);
  return r;
}

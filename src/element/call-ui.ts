/**
 * The element's call-time parts: the quiet-call hints and error wording, the conversation log,
 * the level meter (its main-thread drawing, its worker start) and the loops that feed it. Nothing shows them before the first call, so the
 * script-tag IIFE takes them from live-agent.deps.js (fetched on the first Talk press) and its
 * page load stays small; `live-agent/element` sets them at once (src/element/index.ts). Until
 * they are here, the status line shows an error's own message (only a failed deps load can fail
 * that early).
 */
import { elementEndpoints, errorText, HINTS, QuietHints } from './hints.ts';
import { RenderLoops } from './loops.ts';
import { LevelMeter } from './meter.ts';
import { TranscriptView } from './transcript-view.ts';

export const callUi = {
  elementEndpoints,
  errorText,
  HINTS,
  QuietHints,
  LevelMeter,
  RenderLoops,
  TranscriptView,
};

export type CallUi = typeof callUi;

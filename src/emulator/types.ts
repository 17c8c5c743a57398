/**
 * Public option and record types of the Gemini Live emulator. Kept apart from the implementation
 * so the published `live-agent/emulator` declarations stay small and readable.
 */
import type { SetupBody } from '../core/wire.ts';

/** Which voice the agent answers with. */
export type SpeechMode = 'echo' | 'espeak' | 'tone';

/** How fast and in what shape reply audio is streamed. */
export interface AudioPacing {
  /** Audio per `inlineData` chunk, in ms of 24 kHz audio (Google sends roughly 40–120 ms). */
  chunkMs: number;
  /** Speed versus real time (2 = twice as fast as playback). `Infinity` = as fast as possible. */
  speed: number;
  /** Chunks sent back to back before pausing (1 = evenly spaced); models bursty networks. */
  burst: number;
}

/** Energy VAD knobs; `silenceDurationMs` in the client's setup overrides `silenceMs`. */
export interface VadOptions {
  /** A 20 ms frame louder than this (dBFS) counts as speech. */
  thresholdDb: number;
  /** Speech needed before a turn starts (debounces clicks). */
  minSpeechMs: number;
  /** Trailing silence that ends the user's turn. */
  silenceMs: number;
}

/** Options of {@link createEmulator}; every field has a sensible default. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default. */
  host?: string;
  /**
   * Serve `https://`/`wss://` (for clients that insist on TLS, like the Python google-genai client
   * whenever an API key is set): `true` generates a self-signed certificate for 127.0.0.1 with
   * openssl (see `emulator.certificatePath`); or pass your own PEM pair.
   */
  tls?: boolean | { cert: string; key: string };
  /**
   * The API key accepted in `?key=`, `x-goog-api-key` and for minting tokens. Setting it makes
   * the emulator strict (only this key) unless `acceptAnyKey` is also true.
   */
  apiKey?: string;
  /** Accept any non-empty API key. Default: true on loopback when no `apiKey` is given. */
  acceptAnyKey?: boolean;
  /** Send JSON as binary frames like Google (default true); false sends text frames. */
  binaryFrames?: boolean;
  /** Close every connection with 1011 after this long (Google: about 10 minutes). */
  connectionLifetimeMs?: number;
  /**
   * Audio+video sessions without `contextWindowCompression` close 1011 this long after their
   * first video frame (Google: about 2 minutes; default 120 000; 0 disables).
   */
  videoSessionLimitMs?: number;
  /** How long before the lifetime cut `goAway` is sent (default 50 s, capped at half the lifetime). */
  goAwayLeadMs?: number;
  /** "Thinking" pause before the first part of a reply. */
  responseDelayMs?: number;
  /** Reply audio pacing. */
  audio?: Partial<AudioPacing>;
  /** Energy VAD tuning. */
  vad?: Partial<VadOptions>;
  /** Reply voice: espeak-ng when installed (default), echo of the user's audio, or tones. */
  speech?: SpeechMode;
  /** Delay before `setupComplete` (to test connect timeouts). */
  setupCompleteDelayMs?: number;
  /** Never send `setupComplete` (to test a hung handshake). */
  dropSetupComplete?: boolean;
  /** Restrict accepted models (ids without `models/`); others close with 1008 like Google. */
  models?: readonly string[] | RegExp;
  /** Models that only answer in AUDIO: TEXT modality closes 1007 (native-audio realism). */
  audioOnlyModels?: RegExp;
  /**
   * Models (ids without `models/`) that still take the legacy `realtimeInput.mediaChunks`, as
   * Google's older live models do (ADK 1.x sends it); others close 1007 like newer models.
   * Default: `gemini-2.0-flash-live…`.
   */
  mediaChunksModels?: RegExp;
  /**
   * Models that end their turn (`generationComplete`, `turnComplete`) right after a blocking
   * `toolCall` and answer the response in a new turn, as Google's older live models do (ADK 2.x
   * waits for that `turnComplete` before running the tool); others keep one turn open until the
   * response is in, as Gemini 3.x does. Default: `gemini-2.0-flash-live…`.
   */
  toolCallEndsTurnModels?: RegExp;
  /**
   * Send `turnComplete` right after `interrupted` (default false: the cut reply just stops, and
   * the next reply starts a new turn). Google's service has been seen doing both; clients must
   * handle either.
   */
  turnCompleteAfterInterrupt?: boolean;
  /** Keep a copy of every frame in `session.received` / `session.sent` (default true). */
  record?: boolean;
  /** How long a resumption handle stays valid after issue (default 2 h, like Google). */
  handleTtlMs?: number;
  /** Logger for one-line session events; false silences it (default: silent). */
  log?: ((line: string) => void) | false;
}

/** The resolved, mutable runtime settings; change `emulator.settings` between tests. */
export interface EmulatorSettings {
  apiKey: string;
  acceptAnyKey: boolean;
  binaryFrames: boolean;
  connectionLifetimeMs: number | undefined;
  videoSessionLimitMs: number;
  goAwayLeadMs: number;
  responseDelayMs: number;
  audio: AudioPacing;
  vad: VadOptions;
  speech: SpeechMode;
  setupCompleteDelayMs: number;
  dropSetupComplete: boolean;
  models: readonly string[] | RegExp | undefined;
  audioOnlyModels: RegExp;
  mediaChunksModels: RegExp;
  toolCallEndsTurnModels: RegExp;
  turnCompleteAfterInterrupt: boolean;
  record: boolean;
  handleTtlMs: number;
  log: (line: string) => void;
}

/** One frame as it crossed the socket. */
export interface FrameRecord {
  /** `Date.now()` when it crossed. */
  at: number;
  /** Frame text (binary frames decoded as UTF-8). */
  raw: string;
  binary: boolean;
  /** Parsed JSON, or undefined when the frame was not JSON. */
  message: Record<string, unknown> | undefined;
}

/** How a connection authenticated. */
export interface SessionCredential {
  kind: 'apiKey' | 'token';
  value: string;
}

/** What the URL of a connection asked for. */
export interface SessionRoute {
  path: string;
  apiVersion: string;
  method: 'BidiGenerateContent' | 'BidiGenerateContentConstrained';
}

/** Ephemeral token config as @google/genai's `authTokens.create` posts it (mldev shape). */
export interface TokenRequest {
  uses?: number;
  expireTime?: string;
  newSessionExpireTime?: string;
  bidiGenerateContentSetup?: Partial<SetupBody>;
  /** Comma-separated paths (`model,generationConfig.temperature`). */
  fieldMask?: string;
}

/** A token the emulator issued. */
export interface IssuedToken {
  /** `auth_tokens/…`: what clients pass as `access_token`. */
  name: string;
  /** Remaining session openings. */
  uses: number;
  /** Sessions opened with it so far (resumptions excluded). */
  sessionsOpened: number;
  expireTime: number;
  newSessionExpireTime: number;
  setup: Partial<SetupBody> | undefined;
  fieldMask: string[] | undefined;
  createdAt: number;
}

/** Why and how a session ended. */
export interface CloseInfo {
  code: number;
  reason: string;
  /** Who closed: the emulator (`server`) or the client (`client`). */
  by: 'server' | 'client';
}

/** Pure helpers of the session: setup config and open parameters, the initial snapshot. */
import { EMPTY_METRICS } from './metrics.ts';
import type { Credential, LiveConfig, OpenParams } from './transport.ts';
import type { LiveAgentOptions, LiveAgentSnapshot } from './types.ts';
import { EMPTY_USAGE } from './usage.ts';
import type { FunctionDeclaration } from './wire.ts';

/** Counters that change too often for the snapshot; read with `session.getStats()`. */
export interface SessionStats {
  /** Server messages delivered after setupComplete. */
  messages: number;
  /** Audio parts received (audio itself is played by the transport). */
  audioChunks: number;
  /** Audio bytes as reported by the transport. */
  audioBytes: number;
  /** Playback buffer depth from the last playback event. */
  bufferedMs: number;
}

/** True when the session's config leaves turn-taking to the app (activityStart/activityEnd). */
export function pushToTalkEnabled(options: LiveAgentOptions): boolean {
  const config = buildConfig(options.config, options.mode, undefined);
  return config.realtimeInputConfig?.automaticActivityDetection?.disabled === true;
}

/**
 * The user's config with what the session needs: `sessionResumption` always present (so the
 * server sends handles; the handle when resuming) and server VAD disabled for push-to-talk.
 * Never mutates the caller's object.
 */
export function buildConfig(
  config: LiveConfig | undefined,
  mode: LiveAgentOptions['mode'],
  handle: string | undefined,
  video = false,
): LiveConfig {
  const out: LiveConfig = { ...config };
  // Audio+video sessions end after about 2 minutes without compression: on unless set or opted out.
  if (video && !config?.contextWindowCompression)
    out.contextWindowCompression = { slidingWindow: {} };
  const resumption = { ...config?.sessionResumption };
  if (handle) resumption.handle = handle;
  else delete resumption.handle;
  out.sessionResumption = resumption;
  if (mode === 'push-to-talk') {
    const ric = config?.realtimeInputConfig;
    out.realtimeInputConfig = {
      ...ric,
      automaticActivityDetection: { ...ric?.automaticActivityDetection, disabled: true },
    };
  }
  return out;
}

/**
 * The parameters of one connection attempt. Built afresh for each attempt, so a reconnect picks
 * up the tools set since and resumes with the latest handle.
 */
export function buildOpenParams(
  options: LiveAgentOptions,
  credential: Credential,
  handle: string | undefined,
  functionDeclarations: FunctionDeclaration[],
  video = false,
): OpenParams {
  const params: OpenParams = {
    endpoint: options.endpoint ?? 'https://generativelanguage.googleapis.com',
    credential,
    model: options.model ?? 'gemini-3.8-live',
    config: buildConfig(
      options.config,
      options.mode,
      handle,
      video && options.videoCompression !== false,
    ),
    functionDeclarations,
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
  };
  if (handle) params.resumeHandle = handle;
  return params;
}

/** The snapshot of a session that has not connected yet. */
export function initialSnapshot(needsGesture: boolean): LiveAgentSnapshot {
  return {
    status: 'idle',
    error: null,
    transcript: Object.freeze([]),
    micEnabled: true,
    needsGesture,
    agentSpeaking: false,
    userSpeaking: false,
    usage: EMPTY_USAGE,
    goAwayAt: null,
    reconnectAttempt: 0,
    sessionResumable: false,
    metrics: EMPTY_METRICS,
    pendingToolCalls: Object.freeze([]),
    agent: null,
    serverToolCalls: Object.freeze([]),
  };
}

/**
 * The one AudioContext of a session, at the hardware's native rate (never forced to 16 kHz: the
 * worker resamples), plus the microphone source — with the old-Firefox fallback when the mic and
 * the context disagree on sample rate.
 */
import { trustedScriptUrl } from '../transport/assets.ts';
import { MediaError } from '../core/errors.ts';

/** A context with the mic connected to it; `owned` contexts are closed by us. */
export interface ContextWithSource {
  ctx: AudioContext;
  owned: boolean;
  source: MediaStreamAudioSourceNode;
}

function isRateMismatch(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'NotSupportedError';
}

/** A context at `sampleRate`, or at the hardware's native rate (never forced to 16 kHz). */
export function newContext(sampleRate?: number): AudioContext {
  const options: AudioContextOptions = { latencyHint: 'interactive' };
  if (sampleRate) options.sampleRate = sampleRate;
  try {
    return new AudioContext(options);
  } catch (error) {
    // No usable output device, or the browser's limit of live contexts: a device fault, not a
    // connection one (untyped, the connector would have reported it as connection-lost).
    throw new MediaError('device-error', `Audio output could not be opened: ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Creates (or adopts) the context and connects `stream` to it. Firefox before 141 throws
 * NotSupportedError ("different sample-rate") from createMediaStreamSource when the context's
 * rate differs from the mic's graph (docs/testing.md, Firefox): then we close that context and
 * retry at the track's rate, the default rate and the common hardware rates.
 */
export async function contextForStream(
  stream: MediaStream,
  injected?: AudioContext,
): Promise<ContextWithSource> {
  let ctx = injected ?? newContext();
  let owned = !injected;
  try {
    return { ctx, owned, source: ctx.createMediaStreamSource(stream) };
  } catch (error) {
    if (!isRateMismatch(error)) {
      if (owned) await ctx.close();
      throw MediaError.unsupported(`a microphone source in Web Audio (${String(error)})`);
    }
    const failed = ctx.sampleRate;
    if (owned) await ctx.close();
    const trackRate = stream.getAudioTracks()[0]?.getSettings().sampleRate;
    const candidates = [trackRate, undefined, 48000, 44100, 16000].filter(
      (rate, i, all) => rate !== failed && all.indexOf(rate) === i,
    );
    for (const rate of candidates) {
      ctx = newContext(rate);
      owned = true;
      if (ctx.sampleRate === failed) {
        await ctx.close();
        continue;
      }
      try {
        return { ctx, owned, source: ctx.createMediaStreamSource(stream) };
      } catch (retryError) {
        await ctx.close();
        if (!isRateMismatch(retryError)) break;
      }
    }
    throw MediaError.unsupported(`a microphone source at any sample rate (${String(error)})`);
  }
}

/**
 * Loads the worklet modules (same-origin URLs work under `script-src 'self'`, no blob:). The built
 * module registers both processors and is given for both: it is added once.
 */
export async function loadWorklets(
  ctx: AudioContext,
  urls: { capture: string | URL; playback: string | URL },
): Promise<void> {
  if (!ctx.audioWorklet) throw MediaError.unsupported('AudioWorklet');
  const modules = [...new Set([String(urls.capture), String(urls.playback)])];
  try {
    await Promise.all(modules.map((url) => ctx.audioWorklet.addModule(trustedScriptUrl(url))));
  } catch (error) {
    throw new MediaError(
      'unsupported',
      `Audio worklets failed to load from ${modules.join(' and ')}: ` +
        'serve live-agent-audio.worklet.js beside the bundle or pass workletUrls',
      { cause: error },
    );
  }
}

/** Asks a suspended context to run, without hanging where the autoplay policy wants a gesture. */
export async function tryResume(ctx: AudioContext, waitMs = 200): Promise<boolean> {
  if (ctx.state === 'running') return true;
  // WebKit leaves resume() pending (neither resolved nor rejected) until a gesture.
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, waitMs));
  await Promise.race([ctx.resume().catch(() => undefined), timeout]);
  return (ctx.state as string) === 'running';
}

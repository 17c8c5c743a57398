/**
 * The speaker end of the Web Audio graph: playback → gain → a hidden `<audio>` (default) or the
 * context's destination, the output device (`setSinkId`), and whether the `<audio>` is playing.
 */
import type { AudioOptions } from './options.ts';

type SinkSettable = { setSinkId?: (id: string) => Promise<void> };

/** Connects `source` to the speaker; `onPlayState` hears the `<audio>` start or pause. */
export class AudioOutput {
  private readonly gain: GainNode;
  private element: HTMLAudioElement | undefined;

  constructor(
    private readonly ctx: AudioContext,
    source: AudioNode,
    options: Pick<AudioOptions, 'outputRoute' | 'volume'>,
    onPlayState: () => void,
  ) {
    this.gain = new GainNode(ctx, { gain: options.volume ?? 1 });
    source.connect(this.gain);
    if (options.outputRoute === 'context') {
      this.gain.connect(ctx.destination);
    } else {
      this.element = this.routeToElement(onPlayState);
      this.play();
    }
  }

  private routeToElement(onPlayState: () => void): HTMLAudioElement {
    // Chrome's echo canceller hears media elements, not raw Web Audio output.
    const dest = this.ctx.createMediaStreamDestination();
    this.gain.connect(dest);
    const el = document.createElement('audio');
    el.hidden = true;
    el.autoplay = true;
    el.setAttribute('data-live-agent', 'playback');
    el.srcObject = dest.stream;
    // WebKit may leave play() pending instead of rejecting it: watch the element itself.
    el.addEventListener('playing', onPlayState);
    el.addEventListener('pause', onPlayState);
    document.body.append(el);
    return el;
  }

  /** True while the `<audio>` is paused (autoplay refused); never for the `'context'` route. */
  get paused(): boolean {
    return !!this.element?.paused;
  }

  /** What `setSinkId` applies to: the `<audio>` when there is one, else the context. */
  get sink(): HTMLAudioElement | AudioContext {
    return this.element ?? this.ctx;
  }

  /**
   * Starts the output element. A refusal (autoplay policy) leaves it paused; WebKit may instead
   * leave play() pending until data flows, so the state is read from `paused`, not the promise.
   */
  play(): void {
    this.element?.play().catch(() => undefined);
  }

  /** Output gain, clamped to 0..1. */
  setVolume(volume: number): void {
    this.gain.gain.value = Math.max(0, Math.min(1, volume));
  }

  /** Disconnects the gain and removes the `<audio>`. */
  close(): void {
    this.gain.disconnect();
    if (!this.element) return;
    this.element.pause();
    this.element.srcObject = null;
    this.element.remove();
    this.element = undefined;
  }
}

/** Switches `target` to the speaker `deviceId`; false where `setSinkId` is missing or fails. */
export async function setSink(
  target: HTMLMediaElement | AudioContext | undefined,
  deviceId: string,
): Promise<boolean> {
  // Optional at run time on both (Safari lacks it); TypeScript's DOM lib omits AudioContext's.
  const sink = target as SinkSettable | undefined;
  if (!sink?.setSinkId) return false;
  try {
    await sink.setSinkId(deviceId);
    return true;
  } catch {
    return false;
  }
}

/**
 * `<live-agent>`'s video controls: camera and screen toggles (only where the browser has the API,
 * the transport takes video and the attributes allow them: `camera="off"`, `screen="off"`) and a
 * small preview of the scaled frame the agent last received (`video-preview="off"` hides it).
 * The video code itself arrives with the lazily loaded deps; this file only holds the buttons.
 */
import type { LiveAgentError } from '../core/errors.ts';
import type { LiveAgentSession } from '../core/session.ts';
import type { LiveAgentStatus } from '../core/types.ts';
import type { VideoSource } from '../core/video.ts';
import { hide } from './view.ts';

/** The part of the deps' video source the preview needs (createWebVideo has it). */
export interface PreviewSource {
  onPreview?(listener: (bitmap: ImageBitmap) => void): () => void;
}

export interface VideoControlHost {
  attr(name: string): string | null;
  session(): LiveAgentSession | null;
  failed(error: LiveAgentError): void;
}

const LABELS: Record<VideoSource, [string, string]> = {
  camera: ['Camera', 'Share your camera with the agent'],
  screen: ['Screen', 'Share your screen with the agent'],
};

function hasApi(source: VideoSource): boolean {
  const devices = (globalThis.navigator as Navigator | undefined)?.mediaDevices;
  return source === 'camera'
    ? typeof devices?.getUserMedia === 'function'
    : typeof devices?.getDisplayMedia === 'function';
}

export class VideoControls {
  readonly buttons: Record<VideoSource, HTMLButtonElement>;
  readonly preview: HTMLCanvasElement;
  /** A row of its own under the call bar: the bar never wraps and has no room to spare. */
  private readonly row: HTMLElement;
  private source: VideoSource | null = null;
  private offs: (() => void)[] = [];

  /** Builds the controls in a row after `bar` (the element's call bar). */
  constructor(
    bar: Element,
    private readonly host: VideoControlHost,
  ) {
    const d = bar.ownerDocument;
    const make = (source: VideoSource): HTMLButtonElement => {
      const b = d.createElement('button');
      b.type = 'button';
      b.hidden = true;
      b.setAttribute('part', `${source}-button`);
      b.setAttribute('aria-pressed', 'false');
      b.title = LABELS[source][1];
      b.textContent = LABELS[source][0];
      b.addEventListener('click', () => this.toggle(source));
      return b;
    };
    this.buttons = { camera: make('camera'), screen: make('screen') };
    this.preview = d.createElement('canvas');
    this.preview.setAttribute('part', 'video-preview');
    this.preview.setAttribute('role', 'img');
    this.preview.setAttribute('aria-label', 'What the agent sees');
    this.preview.hidden = true;
    this.preview.style.cssText = 'max-width:160px;max-height:90px;border-radius:6px';
    this.row = d.createElement('div');
    this.row.setAttribute('part', 'video-row');
    this.row.hidden = true;
    this.row.style.cssText =
      'display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin-top:8px';
    this.row.append(this.buttons.camera, this.buttons.screen, this.preview);
    bar.after(this.row);
  }

  /** Follows a new session: its `video` events and the frames its worker sent. */
  bind(session: LiveAgentSession, video: PreviewSource | null | undefined): void {
    for (const off of this.offs.splice(0)) off();
    this.source = null;
    this.offs.push(
      session.on('video', ({ source }) => {
        this.source = source;
        this.sync();
      }),
    );
    const off = video?.onPreview?.((bitmap) => this.paint(bitmap));
    if (off) this.offs.push(off);
  }

  /** Shows the toggles while a call is on, where they can work. */
  render(status: LiveAgentStatus): void {
    const on = status === 'connected' || status === 'reconnecting';
    const canVideo = this.host.session()?.capabilities.video ?? true;
    for (const source of ['camera', 'screen'] as const) {
      const b = this.buttons[source];
      hide(b, !on || !canVideo || !hasApi(source) || this.host.attr(source) === 'off');
    }
    if (!on) this.source = null;
    this.sync();
    hide(this.row, this.buttons.camera.hidden === true && this.buttons.screen.hidden === true);
  }

  private sync(): void {
    for (const source of ['camera', 'screen'] as const) {
      const pressed = String(this.source === source);
      if (this.buttons[source].getAttribute('aria-pressed') !== pressed)
        this.buttons[source].setAttribute('aria-pressed', pressed);
    }
    hide(this.preview, this.source === null || this.host.attr('video-preview') === 'off');
  }

  private toggle(source: VideoSource): void {
    const session = this.host.session();
    if (!session) return;
    if (this.source === source) return session.stopVideo();
    session.startVideo(source).catch((error: LiveAgentError) => {
      if (error.code !== 'aborted') this.host.failed(error);
    });
  }

  private paint(bitmap: ImageBitmap): void {
    if (this.preview.width !== bitmap.width) this.preview.width = bitmap.width;
    if (this.preview.height !== bitmap.height) this.preview.height = bitmap.height;
    this.preview.getContext('2d')?.drawImage(bitmap, 0, 0);
    bitmap.close();
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }
}

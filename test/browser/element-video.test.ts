/**
 * `<live-agent>`'s video controls with the public fakes: camera and screen toggles with
 * accessible names and pressed states, the `camera`/`screen`/`video-preview` attributes, the
 * preview of the frame the agent saw, a share ended from the browser UI, and a refused camera.
 */
import { afterEach, expect, it } from 'vitest';
import '../../src/element/index.ts';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import { MediaError } from '../../src/core/errors.ts';
import { FakeMedia, FakeTransport, FakeVideo } from '../../src/testing/index.ts';
import { mount, unmountAll } from '../support/mount.ts';

/** FakeVideo plus the preview hook createWebVideo has. */
class PreviewVideo extends FakeVideo {
  readonly previews = new Set<(b: ImageBitmap) => void>();
  onPreview(l: (b: ImageBitmap) => void) {
    this.previews.add(l);
    return () => this.previews.delete(l);
  }
}

class VideoAgent extends LiveAgentElement {
  video = new PreviewVideo();
  protected override createSessionDeps(): Promise<SessionDeps> {
    this.video = new PreviewVideo();
    return Promise.resolve({
      transport: new FakeTransport(),
      media: new FakeMedia(),
      video: this.video,
      fetch: async () => Response.json({ token: 'auth_tokens/t' }),
    });
  }
}
customElements.define('video-live-agent', VideoAgent);

afterEach(unmountAll);

async function connected(attrs: Record<string, string> = {}) {
  const el = mount<VideoAgent>('video-live-agent', { 'token-url': '/api/live-token', ...attrs });
  await el.connect();
  return el;
}
const part = (el: HTMLElement, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
const settle = () => new Promise((r) => setTimeout(r, 10));
const hasScreen = typeof navigator.mediaDevices?.getDisplayMedia === 'function';

it('shows camera and screen toggles only during a call, with names and pressed states', async () => {
  const el = mount<VideoAgent>('video-live-agent');
  expect(part(el, 'camera-button').hidden).toBe(true);
  await el.connect();
  const camera = part(el, 'camera-button') as HTMLButtonElement;
  expect(camera.hidden).toBe(false);
  expect(camera.textContent).toBe('Camera');
  expect(camera.title).toBe('Share your camera with the agent');
  expect(camera.getAttribute('aria-pressed')).toBe('false');
  expect(part(el, 'screen-button').hidden).toBe(!hasScreen);
  const events: unknown[] = [];
  el.addEventListener('live-agent-video', (e) => events.push(e.detail));
  camera.click();
  await settle();
  expect(el.video.starts.map((s) => s.source)).toEqual(['camera']);
  expect(camera.getAttribute('aria-pressed')).toBe('true');
  camera.click();
  await settle();
  expect(camera.getAttribute('aria-pressed')).toBe('false');
  expect(el.video.source).toBeNull();
  expect(events).toEqual([{ source: 'camera' }, { source: null, reason: 'stopped' }]);
  await el.disconnect();
  expect(camera.hidden).toBe(true);
});

it('camera="off" and screen="off" hide the toggles', async () => {
  const el = await connected({ camera: 'off', screen: 'off' });
  expect(part(el, 'camera-button').hidden).toBe(true);
  expect(part(el, 'screen-button').hidden).toBe(true);
  el.removeAttribute('camera');
  expect(part(el, 'camera-button').hidden).toBe(false);
});

it('previews the scaled frame the agent saw; video-preview="off" hides it; a share end resets', async () => {
  const el = await connected();
  part(el, 'camera-button').click();
  await settle();
  const preview = part(el, 'video-preview') as HTMLCanvasElement;
  expect(preview.hidden).toBe(false);
  expect(preview.getAttribute('aria-label')).toBe('What the agent sees');
  const canvas = new OffscreenCanvas(768, 432);
  canvas.getContext('2d')!.fillRect(0, 0, 768, 432);
  for (const l of el.video.previews) l(canvas.transferToImageBitmap());
  expect([preview.width, preview.height]).toEqual([768, 432]);
  el.setAttribute('video-preview', 'off');
  expect(preview.hidden).toBe(true);
  el.removeAttribute('video-preview');
  el.video.end(); // the browser's "Stop sharing"
  expect(preview.hidden).toBe(true);
  expect(part(el, 'camera-button').getAttribute('aria-pressed')).toBe('false');
});

it('a refused camera is reported as live-agent-error; the call goes on', async () => {
  const el = await connected();
  const errors: { error: MediaError; fatal: boolean }[] = [];
  el.addEventListener('live-agent-error', (e) =>
    errors.push(e.detail as { error: MediaError; fatal: boolean }),
  );
  el.video.failNext = MediaError.videoDenied('camera');
  part(el, 'camera-button').click();
  await settle();
  expect(errors.map((e) => [e.error.code, e.fatal])).toEqual([['video-denied', false]]);
  expect(el.status).toBe('connected');
  expect(part(el, 'camera-button').getAttribute('aria-pressed')).toBe('false');
});

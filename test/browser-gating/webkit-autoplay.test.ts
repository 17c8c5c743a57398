/**
 * Safari-style autoplay gating, in WebKitGTK WITHOUT `--autoplay-policy=allow` (its own Vitest
 * project, WebKit only: Chromium and Firefox do not gate audio under automation, see
 * docs/testing.md, WebKit). WebKit, like Safari, lets audio play while the microphone is
 * capturing, so the gate shows on a listen-and-type element (`microphone="off"`): a programmatic
 * connect leaves audio suspended; the SDK must say so, stay silent, and play after a click on the
 * element's own control.
 */
import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { LiveAgentElement, type SessionDeps } from '../../src/element/index.ts';
import { sourceMedia, sourceTransport } from '../support/source-deps.ts';
import { startEmulator, type EmulatorControl } from '../support/emulator-control.ts';

class GatedAgent extends LiveAgentElement {
  protected override createSessionDeps(): Promise<SessionDeps> {
    const microphone = this.getAttribute('microphone') !== 'off';
    return Promise.resolve({ transport: sourceTransport(), media: sourceMedia({ microphone }) });
  }
}
customElements.define('gated-live-agent', GatedAgent);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

let emu: EmulatorControl | undefined;
let el: GatedAgent | undefined;
afterEach(async () => {
  el?.remove();
  await emu?.close();
});

test('with a capturing microphone audio is not gated (Safari-like capture exception)', async () => {
  emu = await startEmulator({ speech: 'tone' });
  el = document.createElement('gated-live-agent') as GatedAgent;
  el.setAttribute('token-url', emu.tokenUrl());
  el.setAttribute('endpoint', emu.url);
  document.body.append(el);
  await el.connect();
  expect(el.session!.getSnapshot().needsGesture).toBe(false);
});

test('audio waits for a gesture on the element, then plays', async () => {
  emu = await startEmulator({ speech: 'tone' });
  el = document.createElement('gated-live-agent') as GatedAgent;
  el.setAttribute('token-url', emu.tokenUrl());
  el.setAttribute('endpoint', emu.url);
  el.setAttribute('microphone', 'off');
  document.body.append(el);

  // No user activation yet: connecting works, but the AudioContext cannot start.
  expect(navigator.userActivation?.hasBeenActive ?? false).toBe(false);
  await el.connect();
  const session = el.session!;
  expect(session.status).toBe('connected');
  expect(session.getSnapshot().needsGesture).toBe(true);
  const gesture = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="gesture-button"]')!;
  expect(gesture.hidden).toBe(false);

  // The agent talks while audio is gated: nothing may be heard.
  const live = await emu.waitSession();
  await live.say('Can you hear me?');
  let loudest = 0;
  for (let i = 0; i < 20; i++) {
    loudest = Math.max(loudest, session.getLevels().output.rms);
    await sleep(50);
  }
  expect(loudest).toBe(0);
  expect(session.getSnapshot().needsGesture).toBe(true);

  // A real click on the element's own control unlocks audio. The id is for the WebDriver lane:
  // it clicks a CSS path that Vitest builds from ids, else nth-child steps, and inside the shadow
  // root "a row's 2nd button" also names End, which comes first (the click would end the call).
  gesture.id = 'gesture-under-test';
  await userEvent.click(gesture);
  await until(() => !session.getSnapshot().needsGesture, 5000, 'needsGesture to clear');
  expect(gesture.hidden).toBe(true);
  await live.say('Now you can.');
  let heard = 0;
  await until(
    () => (heard = Math.max(heard, session.getLevels().output.rms)) > 0.01,
    8000,
    'audible output',
  );
  expect(heard).toBeGreaterThan(0.01);
});

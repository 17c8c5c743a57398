/**
 * Which browser engines the browser project runs, and how each is launched. Shared by
 * vitest.config.ts and scripts/test.mjs (the machine set-up step), so both agree.
 * Recipe and quirks: docs/testing.md.
 */
import { existsSync } from 'node:fs';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface Engine {
  name: EngineName;
  path: string;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  // Without it getUserMedia waits forever on a prompt nobody answers.
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
  // No sound card on CI: without the mock context every AudioContext stays 'suspended'.
  'media.cubeb.force_mock_context': true,
};

export const WEBKIT_ARGS = [
  '--automation',
  '--enable-media-stream=true',
  '--enable-mock-capture-devices=true',
  '--autoplay-policy=allow',
];

export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

function firstExisting(paths: (string | undefined)[]): string | undefined {
  return paths.find((p): p is string => !!p && existsSync(p));
}

/** Executable for each engine: env overrides first, then Debian's paths. */
export function enginePath(name: EngineName): string | undefined {
  if (name === 'chromium')
    return firstExisting([
      process.env.CHROME_PATH,
      process.env.CHROMIUM_PATH,
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
    ]);
  if (name === 'firefox') return firstExisting([process.env.FIREFOX_PATH, '/usr/bin/firefox-esr']);
  return firstExisting([process.env.MINIBROWSER_PATH, MINIBROWSER]);
}

/** The engines selected by BROWSERS (default: all three). Throws if one is missing. */
export function browserEngines(): Engine[] {
  const wanted = (process.env.BROWSERS ?? 'chromium,firefox,webkit')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as EngineName[];
  return wanted.map((name) => {
    const path = enginePath(name);
    if (!path)
      throw new Error(
        `Browser engine "${name}" not found. Run "npm test" (it installs Debian's packages when it ` +
          `can), or set CHROME_PATH / FIREFOX_PATH / MINIBROWSER_PATH.`,
      );
    return { name, path };
  });
}

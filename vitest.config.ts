import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { webdriverio } from '@vitest/browser-webdriverio';
import { fileURLToPath } from 'node:url';
import {
  browserEngines,
  CHROMIUM_ARGS,
  FIREFOX_PREFS,
  WEBKIT_ARGS,
} from './test/support/engines.ts';
import { freezePage } from './test/support/page-lifecycle.ts';

// Absolute path: Chromium resolves it against its own cwd, and a wrong path is silent input.
const SPEECH_WAV = fileURLToPath(new URL('./test/fixtures/generated/speech.wav', import.meta.url));
const SAFARI_BIN = fileURLToPath(new URL('./bin/safari', import.meta.url));
const engines = browserEngines();
const hasWebKit = engines.some((e) => e.name === 'webkit');

// WebKitWebDriver serves one session at a time: each WebKit project gets its own driver.
const WEBKIT_PORT = Number(process.env.WEBKIT_DRIVER_PORT ?? 4445);

/** WebKitGTK through WebKitWebDriver; `args` decide the autoplay policy. */
const webkit = (name: string, args: string[], port: number) => ({
  browser: 'safari' as const,
  // It is WebKitGTK's MiniBrowser, not Safari: name the lane for what it is.
  name,
  // WebKitGTK has no headless mode: it runs under Xvfb (scripts/test.mjs wraps the run).
  headless: false,
  provider: webdriverio({
    hostname: '127.0.0.1',
    port,
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      'webkitgtk:browserOptions': { binary: SAFARI_BIN, args },
    } as Record<string, unknown>,
  }),
});

const instances = engines.map((engine) => {
  if (engine.name === 'chromium')
    return {
      browser: 'chromium' as const,
      provider: playwright({
        launchOptions: {
          executablePath: engine.path,
          args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${SPEECH_WAV}`],
        },
      }),
    };
  if (engine.name === 'firefox')
    return {
      browser: 'firefox' as const,
      provider: playwright({
        launchOptions: {
          channel: 'moz-firefox',
          executablePath: engine.path,
          firefoxUserPrefs: FIREFOX_PREFS,
        },
      }),
    };
  return webkit('browser (webkit)', WEBKIT_ARGS, WEBKIT_PORT);
});

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances,
            commands: { freezePage },
          },
        },
      },
      // Safari-style autoplay gating: WebKit without --autoplay-policy=allow (no other engine
      // gates audio under automation).
      ...(hasWebKit
        ? [
            {
              extends: true as const,
              test: {
                name: 'browser-gating',
                include: ['test/browser-gating/**/*.test.ts'],
                globalSetup: ['test/browser/global-setup.ts'],
                testTimeout: 30_000,
                browser: {
                  enabled: true,
                  screenshotFailures: false,
                  instances: [
                    webkit(
                      'browser-gating (webkit)',
                      WEBKIT_ARGS.filter((a) => !a.startsWith('--autoplay-policy')),
                      WEBKIT_PORT + 1,
                    ),
                  ],
                },
              },
            },
          ]
        : []),
    ],
  },
});

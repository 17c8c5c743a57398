/**
 * Node side of the browser project: generates the fake-microphone WAV, starts the Live emulator
 * and a frame-recording echo server on 127.0.0.1, and (WebKit lane) WebKitWebDriver.
 * Tests reach them with `inject('emulatorUrl')` etc.
 */
import type { TestProject } from 'vitest/node';
import { startHarnessServers } from '../support/servers.ts';
import { ensureSpeechWav } from '../support/fixtures.ts';
import { startWebKitDriver } from '../support/webkit.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the Gemini Live emulator (`http://127.0.0.1:PORT`). */
    emulatorUrl: string;
    /** Control channel for the emulator (HTTP JSON API), see test/support/servers.ts. */
    controlUrl: string;
    /** A WebSocket echo server: `ws://127.0.0.1:PORT/echo`. */
    echoUrl: string;
  }
}

export default async function setup(project: TestProject) {
  await ensureSpeechWav();
  const servers = await startHarnessServers();
  project.provide('emulatorUrl', servers.emulatorUrl);
  project.provide('controlUrl', servers.controlUrl);
  project.provide('echoUrl', servers.echoUrl);
  await startWebKitDriver();
  return () => servers.close();
}

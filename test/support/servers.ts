/**
 * Node-side servers for browser tests: a shared Live emulator (for tests that only need a
 * server), the control API that creates per-test emulators (emulator-control.ts), and a
 * WebSocket echo server.
 */
import { createEmulator } from '../../src/emulator/index.ts';
import { startControlServer } from './control-server.ts';
import { startEchoServer } from './echo-server.ts';

export interface HarnessServers {
  emulatorUrl: string;
  controlUrl: string;
  echoUrl: string;
  close(): Promise<void>;
}

export async function startHarnessServers(): Promise<HarnessServers> {
  const [echo, control, emulator] = await Promise.all([
    startEchoServer(),
    startControlServer(),
    createEmulator({ speech: 'tone', acceptAnyKey: true }),
  ]);
  return {
    emulatorUrl: emulator.url,
    controlUrl: control.url,
    echoUrl: echo.url,
    close: async () => {
      await Promise.all([echo.close(), control.close(), emulator.close()]);
    },
  };
}

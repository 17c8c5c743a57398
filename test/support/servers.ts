/**
 * Node-side servers for browser tests: the Live emulator, an HTTP control API that lets tests
 * running in the browser script it (see emulator-control.ts), and a WebSocket echo server.
 */
import { startEchoServer } from './echo-server.ts';

export interface HarnessServers {
  emulatorUrl: string;
  controlUrl: string;
  echoUrl: string;
  close(): Promise<void>;
}

export async function startHarnessServers(): Promise<HarnessServers> {
  const echo = await startEchoServer();
  return {
    emulatorUrl: '',
    controlUrl: '',
    echoUrl: echo.url,
    close: () => echo.close(),
  };
}

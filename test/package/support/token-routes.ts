/**
 * The token endpoints a page's `token-url` points at: a working one that mints ephemeral tokens
 * with the emulator (as an app's backend would with live-agent/server), one that is down, and
 * one that (wrongly) hands out a long-lived API key.
 */
import type { Emulator } from '../../../src/emulator/index.ts';
import { sendJson, type StaticServer } from './static-server.ts';

/** Looks like a Google API key (`AIza` + 35 characters) and is not one. */
export const FAKE_API_KEY = 'AIzaSyFAKE-live-agent-test-key_01234567';

export interface TokenRoutes {
  /** Names of the tokens handed out by `POST /api/live-token`, in order. */
  readonly minted: string[];
}

export function addTokenRoutes(server: StaticServer, emulator: Emulator): TokenRoutes {
  const minted: string[] = [];
  server.route('POST /api/live-token', (_req, res) => {
    const { name } = emulator.createToken();
    minted.push(name);
    sendJson(res, 200, { token: name });
  });
  server.route('POST /api/token-down', (_req, res) => {
    sendJson(res, 503, { error: 'token service unavailable' });
  });
  server.route('POST /api/token-apikey', (_req, res) => {
    sendJson(res, 200, { token: FAKE_API_KEY });
  });
  return { minted };
}

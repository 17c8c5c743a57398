/** Typed errors survive the worker boundary and a second copy of the SDK (the IIFE's deps file). */
import { describe, expect, test } from 'vitest';
import type * as ErrorsModule from '../../src/core/errors.ts';
import {
  AuthError,
  ConnectionError,
  LiveAgentError,
  MediaError,
  ProtocolError,
  reviveError,
  serializeError,
} from '../../src/core/errors.ts';

describe('errors', () => {
  test('close codes map to codes and retryability', () => {
    expect(ConnectionError.fromClose(1007, 'bad').code).toBe('invalid-request');
    expect(ConnectionError.fromClose(1008, 'no').code).toBe('auth-rejected');
    expect(ConnectionError.fromClose(1011, 'x').retryable).toBe(true);
    expect(ConnectionError.fromClose(1006, '').code).toBe('connection-lost');
    expect(ConnectionError.fromClose(1008, 'no').retryable).toBe(false);
  });

  test('serialize → revive keeps class, code, close code and reason', () => {
    const revived = reviveError(serializeError(ConnectionError.fromClose(1011, 'Internal error')));
    expect(revived).toBeInstanceOf(ConnectionError);
    expect(revived).toMatchObject({
      code: 'server-error',
      closeCode: 1011,
      reason: 'Internal error',
    });
    expect(reviveError(serializeError(AuthError.apiKeyRefused()))).toBeInstanceOf(AuthError);
  });

  test('instanceof recognises errors from another copy of the module', async () => {
    // A second module instance stands in for the separately bundled deps file.
    const other = (await import(
      /* @vite-ignore */ `../../src/core/errors.ts?copy=${Date.now()}`
    )) as typeof ErrorsModule;
    expect(other.ConnectionError).not.toBe(ConnectionError);
    const foreign = other.ConnectionError.fromClose(1008, 'denied');
    expect(foreign).toBeInstanceOf(LiveAgentError);
    expect(foreign).toBeInstanceOf(ConnectionError);
    expect(foreign).not.toBeInstanceOf(AuthError);
    expect(foreign).not.toBeInstanceOf(MediaError);
    expect(new Error('plain')).not.toBeInstanceOf(LiveAgentError);
    expect(ProtocolError.malformed('x')).not.toBeInstanceOf(ConnectionError);
  });
});

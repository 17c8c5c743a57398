/**
 * Typed errors. Every failure the SDK reports is a `LiveAgentError` with a string-literal `code`,
 * so apps can branch on it; subclasses add data (close code, device kind) and static factories.
 * Errors that cross the worker boundary travel as `SerializedError` and are re-created on arrival.
 */

/** Every error code the SDK can report. */
export type LiveAgentErrorCode =
  // credentials
  | 'token-fetch-failed'
  | 'token-invalid'
  | 'api-key-refused'
  | 'auth-rejected'
  // connection
  | 'connect-timeout'
  | 'connection-lost'
  | 'invalid-request'
  | 'server-error'
  | 'session-limit'
  | 'context-lost'
  | 'protocol'
  // media and environment
  | 'mic-denied'
  | 'video-denied'
  | 'no-device'
  | 'device-error'
  | 'insecure-context'
  | 'unsupported'
  | 'autoplay-blocked'
  // api use
  | 'not-connected'
  | 'tool-failed'
  | 'aborted';

export interface LiveAgentErrorOptions {
  cause?: unknown;
  /** True when a reconnect (with a fresh token) may succeed. */
  retryable?: boolean;
}

// Marks our errors across bundle copies: the script-tag build loads transport and audio as a
// second file on connect, and apps can end up with two versions of the package.
const BRAND = Symbol.for('live-agent.error');

/** Base class of every error the SDK throws or emits. */
export class LiveAgentError extends Error {
  /** The class's `name`, kept as a string because minifiers rename classes. */
  static readonly kind: string = 'LiveAgentError';
  /** The class's {@link LiveAgentError.kind} (set once by the base constructor for every class). */
  override readonly name: string;
  readonly code: LiveAgentErrorCode;
  readonly retryable: boolean;
  declare readonly [BRAND]: true;

  /** `instanceof` also recognises errors made by another copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(BRAND in value)) return false;
    return this.kind === LiveAgentError.kind || (value as { name?: unknown }).name === this.kind;
  }

  constructor(code: LiveAgentErrorCode, message: string, options: LiveAgentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = (new.target as typeof LiveAgentError).kind;
    this.code = code;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Token could not be obtained, was malformed, was a long-lived API key, or was rejected. */
export class AuthError extends LiveAgentError {
  static override readonly kind = 'AuthError';
  declare readonly name: 'AuthError';

  static fetchFailed(detail: string, cause?: unknown): AuthError {
    return new AuthError('token-fetch-failed', `Token endpoint failed: ${detail}`, {
      cause,
      retryable: true,
    });
  }
  static invalid(detail: string): AuthError {
    return new AuthError('token-invalid', `Token is not usable: ${detail}`);
  }
  static apiKeyRefused(): AuthError {
    return new AuthError(
      'api-key-refused',
      'A long-lived API key was given where an ephemeral token belongs. Mint ephemeral tokens on ' +
        'your server (live-agent/server) or pass allowApiKey: true for local development only.',
    );
  }
  static rejected(reason: string): AuthError {
    return new AuthError('auth-rejected', `The Live service rejected the credentials: ${reason}`);
  }
}

/** The socket closed, never completed setup, or the service refused the request. */
export class ConnectionError extends LiveAgentError {
  static override readonly kind = 'ConnectionError';
  declare readonly name: 'ConnectionError';
  /** WebSocket close code, when the failure was a close. */
  readonly closeCode: number | undefined;
  /** Close reason sent by the server (never contains credentials). */
  readonly reason: string;

  constructor(
    code: LiveAgentErrorCode,
    message: string,
    closeCode: number | undefined,
    reason: string,
    options: LiveAgentErrorOptions = {},
  ) {
    super(code, message, options);
    this.closeCode = closeCode;
    this.reason = reason;
  }

  static timeout(ms: number): ConnectionError {
    return new ConnectionError(
      'connect-timeout',
      `No setupComplete within ${ms} ms`,
      undefined,
      '',
      { retryable: true },
    );
  }

  /** Maps a close code from the Live service to a typed error (docs/protocol.md, "Closing"). */
  static fromClose(closeCode: number, reason: string): ConnectionError {
    const said = reason ? `: ${reason}` : '';
    if (closeCode === 1007)
      return new ConnectionError(
        'invalid-request',
        `Request refused (1007)${said}`,
        closeCode,
        reason,
      );
    if (closeCode === 1008)
      return new ConnectionError('auth-rejected', `Not allowed (1008)${said}`, closeCode, reason);
    if (closeCode === 1011)
      return new ConnectionError('server-error', `Server error (1011)${said}`, closeCode, reason, {
        retryable: true,
      });
    return new ConnectionError(
      'connection-lost',
      `Connection closed (${closeCode})${said}`,
      closeCode,
      reason,
      {
        retryable: true,
      },
    );
  }
}

/** A frame from the server could not be understood. The session survives it. */
export class ProtocolError extends LiveAgentError {
  static override readonly kind = 'ProtocolError';
  declare readonly name: 'ProtocolError';
  static malformed(detail: string, cause?: unknown): ProtocolError {
    return new ProtocolError('protocol', `Malformed server frame: ${detail}`, { cause });
  }
}

/** Microphone, camera or speaker problems, and missing browser capabilities. */
export class MediaError extends LiveAgentError {
  static override readonly kind = 'MediaError';
  declare readonly name: 'MediaError';
  static denied(cause?: unknown): MediaError {
    return new MediaError('mic-denied', 'Microphone permission was denied', { cause });
  }
  /** Camera permission or the screen-share picker was refused. */
  static videoDenied(source: 'camera' | 'screen', cause?: unknown): MediaError {
    const what =
      source === 'camera' ? 'Camera permission was denied' : 'Screen sharing was refused';
    return new MediaError('video-denied', what, { cause });
  }
  static noDevice(kind: 'microphone' | 'camera', cause?: unknown): MediaError {
    return new MediaError('no-device', `No ${kind} found`, { cause });
  }
  static insecureContext(): MediaError {
    return new MediaError(
      'insecure-context',
      'Microphone access needs a secure context (https:// or http://localhost)',
    );
  }
  static unsupported(feature: string): MediaError {
    return new MediaError('unsupported', `This browser lacks ${feature}`);
  }
}

/** The service ended the session for a limit (duration, context size). */
export class SessionLimitError extends LiveAgentError {
  static override readonly kind = 'SessionLimitError';
  declare readonly name: 'SessionLimitError';
}

/** Plain-data form of an error, for postMessage across the worker boundary. */
export interface SerializedError {
  name: string;
  code: LiveAgentErrorCode;
  message: string;
  retryable: boolean;
  closeCode?: number;
  reason?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ConnectionError)
    return { ...base(error), closeCode: error.closeCode, reason: error.reason };
  if (error instanceof LiveAgentError) return base(error);
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'LiveAgentError', code: 'protocol', message, retryable: false };
}

function base(e: LiveAgentError): SerializedError {
  return { name: e.name, code: e.code, message: e.message, retryable: e.retryable };
}

/** Re-creates the right subclass on the receiving side of the worker boundary. */
export function reviveError(data: SerializedError): LiveAgentError {
  const opts = { retryable: data.retryable };
  switch (data.name) {
    case 'ConnectionError':
      return new ConnectionError(data.code, data.message, data.closeCode, data.reason ?? '', opts);
    case 'AuthError':
      return new AuthError(data.code, data.message, opts);
    case 'ProtocolError':
      return new ProtocolError(data.code, data.message, opts);
    case 'MediaError':
      return new MediaError(data.code, data.message, opts);
    case 'SessionLimitError':
      return new SessionLimitError(data.code, data.message, opts);
    default:
      return new LiveAgentError(data.code, data.message, opts);
  }
}

/**
 * Ephemeral auth tokens as Google's `auth_tokens` service issues them, with the documented rules:
 * default 1 use (0 = unlimited), new sessions only before `newSessionExpireTime` (default +60 s),
 * messages until `expireTime` (default +30 min), both within 20 h; resuming does not use one up.
 * Locked setup follows the AuthToken proto: no mask → the token's setup replaces the client's;
 * a mask → only the masked paths come from the token (absent there = cleared).
 */
import { randomBytes } from 'node:crypto';
import type { SetupBody } from '../core/wire.ts';
import type { IssuedToken, TokenRequest } from './types.ts';

const MAX_LIFETIME_MS = 20 * 3600_000;
const DEFAULT_EXPIRE_MS = 30 * 60_000;
const DEFAULT_NEW_SESSION_MS = 60_000;

/** An HTTP-style failure for the REST route. */
export class TokenRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Result of checking a token for a connection. */
export type TokenCheck = { ok: true; token: IssuedToken } | { ok: false; reason: string };

/** Issues, validates and consumes ephemeral tokens. */
export class TokenStore {
  private readonly byName = new Map<string, IssuedToken>();

  /** Every token issued since the last reset, by name, oldest first. */
  get all(): ReadonlyMap<string, IssuedToken> {
    return this.byName;
  }

  get(name: string): IssuedToken | undefined {
    return this.byName.get(name);
  }

  clear(): void {
    this.byName.clear();
  }

  /** Mints a token from the REST body; throws TokenRequestError on invalid input. */
  create(req: TokenRequest, now = Date.now()): IssuedToken {
    if (req === null || typeof req !== 'object' || Array.isArray(req)) {
      throw new TokenRequestError(400, 'Invalid JSON payload received.');
    }
    const uses = req.uses ?? 1;
    if (!Number.isInteger(uses) || uses < 0) {
      throw new TokenRequestError(400, `Invalid value at 'uses' (TYPE_INT32), ${String(req.uses)}`);
    }
    const expireTime = parseTime(req.expireTime, 'expire_time', now + DEFAULT_EXPIRE_MS);
    const newSessionExpireTime = parseTime(
      req.newSessionExpireTime,
      'new_session_expire_time',
      Math.min(expireTime, now + DEFAULT_NEW_SESSION_MS),
    );
    for (const [field, t] of [
      ['expire_time', expireTime],
      ['new_session_expire_time', newSessionExpireTime],
    ] as const) {
      if (t <= now) throw new TokenRequestError(400, `${field} must be in the future.`);
      if (t > now + MAX_LIFETIME_MS) {
        throw new TokenRequestError(400, `${field} must be within 20 hours from now.`);
      }
    }
    const setup = req.bidiGenerateContentSetup;
    if (setup !== undefined && (typeof setup !== 'object' || setup === null)) {
      throw new TokenRequestError(400, "Invalid value at 'bidi_generate_content_setup'.");
    }
    if (setup?.model !== undefined && !/^(models|tunedModels)\//.test(String(setup.model))) {
      setup.model = `models/${String(setup.model)}`;
    }
    const mask = typeof req.fieldMask === 'string' && req.fieldMask.trim() ? req.fieldMask : '';
    const token: IssuedToken = {
      name: `auth_tokens/${randomBytes(24).toString('hex')}`,
      uses: uses === 0 ? Infinity : uses,
      sessionsOpened: 0,
      expireTime,
      newSessionExpireTime,
      setup,
      fieldMask: mask ? mask.split(',').map((p) => p.trim()) : undefined,
      createdAt: now,
    };
    this.byName.set(token.name, token);
    return token;
  }

  /** Checks a token at connect time (before setup says whether it is a resumption). */
  check(name: string, now = Date.now()): TokenCheck {
    const token = this.byName.get(name);
    if (!token) {
      return {
        ok: false,
        reason: 'Request had invalid authentication credentials. Unknown or revoked auth token.',
      };
    }
    if (now >= token.expireTime) return { ok: false, reason: 'Auth token has expired.' };
    return { ok: true, token };
  }

  /** Spends one use for a NEW session; resumptions only need an unexpired token. */
  consume(token: IssuedToken, resuming: boolean, now = Date.now()): string | undefined {
    if (now >= token.expireTime) return 'Auth token has expired.';
    if (resuming) return undefined;
    if (now >= token.newSessionExpireTime) {
      return 'Auth token can no longer start new sessions (new_session_expire_time has passed).';
    }
    if (token.uses <= 0) return 'Auth token has no uses left.';
    token.uses -= 1;
    token.sessionsOpened += 1;
    return undefined;
  }
}

/** The JSON the REST route returns for a token (AuthToken resource). */
export function tokenResource(token: IssuedToken): Record<string, unknown> {
  return {
    name: token.name,
    ...(Number.isFinite(token.uses) ? { uses: token.uses } : {}),
    expireTime: new Date(token.expireTime).toISOString(),
    newSessionExpireTime: new Date(token.newSessionExpireTime).toISOString(),
    ...(token.setup ? { bidiGenerateContentSetup: token.setup } : {}),
    ...(token.fieldMask ? { fieldMask: token.fieldMask.join(',') } : {}),
  };
}

/**
 * The setup a session really runs with: the client's, overridden by the token's locked fields.
 * The client's `sessionResumption` always survives so a locked token can still resume.
 */
export function applyConstraints(token: IssuedToken | undefined, client: SetupBody): SetupBody {
  if (!token?.setup && !token?.fieldMask) return client;
  const locked = structuredClone(token.setup ?? {}) as Record<string, unknown>;
  if (!token.fieldMask) {
    const merged = { ...locked } as SetupBody;
    if (!merged.model) merged.model = client.model;
    if (client.sessionResumption) merged.sessionResumption = client.sessionResumption;
    return merged;
  }
  const out = structuredClone(client) as Record<string, unknown>;
  for (const path of token.fieldMask) {
    const value = getPath(locked, path);
    if (value === undefined) deletePath(out, path);
    else setPath(out, path, structuredClone(value));
  }
  return out as SetupBody;
}

function parseTime(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new TokenRequestError(400, `Invalid value at '${field}': ${value}`);
  return t;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function getPath(obj: Obj, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) cur = isObj(cur) ? cur[key] : undefined;
  return cur;
}

function setPath(obj: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (!isObj(cur[key])) cur[key] = {};
    cur = cur[key] as Obj;
  }
  cur[keys[keys.length - 1] ?? path] = value;
}

function deletePath(obj: Obj, path: string): void {
  const keys = path.split('.');
  let cur: unknown = obj;
  for (const key of keys.slice(0, -1)) cur = isObj(cur) ? cur[key] : undefined;
  if (isObj(cur)) Reflect.deleteProperty(cur, keys[keys.length - 1] ?? path);
}

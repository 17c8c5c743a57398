/**
 * A throwaway self-signed certificate for `--tls`: some clients (the Python google-genai client,
 * and so ADK) switch to `wss://` whenever an API key is set, so the emulator must speak TLS for
 * them to connect unpatched. Node cannot issue X.509 certificates itself, so openssl makes one;
 * the client trusts it through its CA setting (Python: `SSL_CERT_FILE=<certPath>`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** PEM key pair the HTTPS server uses. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** File holding `cert` (give it to clients as their CA), when the emulator generated it. */
  certPath?: string;
}

/**
 * Generates a P-256 certificate for `127.0.0.1`, `::1` and `localhost`, valid 30 days, in a new
 * temporary directory.
 */
export async function selfSignedCertificate(openssl = 'openssl'): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'gemini-live-emulator-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    await promisify(execFile)(openssl, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '30',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      // Strict verifiers (Python 3.13's default) want key usages on a certificate used as its own CA.
      '-addext',
      'keyUsage=critical,digitalSignature,keyCertSign',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
  } catch (e) {
    throw new Error(
      `could not generate a TLS certificate with ${openssl}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  return { cert, key, certPath };
}

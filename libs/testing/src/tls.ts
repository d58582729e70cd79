import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** PEM files of a certificate and its key. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Makes a self-signed P-256 certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1, valid one day) with the
 * openssl from PATH, as `cert.pem` and `key.pem` in `dir`.
 * @throws Error with openssl's output when it fails.
 */
export function makeSelfSignedCert(dir: string): TlsFiles {
  const files = { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', files.keyFile, '-out', files.certFile],
    ],
    { stdio: 'pipe' },
  );
  return files;
}

/**
 * X.509 certificates made with `openssl` (Node's crypto cannot issue them): a CA and leaves it signs, with EC P-256
 * keys. One maker for the addon manager's Runtime SDK serving certificate and the test environment's certificates.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Paths of a certificate and its key. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Runs openssl in `dir`; a missing binary or a failure is an Error naming the step (and `hint` for the first). */
export function openssl(args: readonly string[], dir: string, hint = 'install it'): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error(`openssl is not installed: ${hint}`, { cause: e });
    const first = String(err.stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new Error(`openssl ${args[0]} failed: ${first}`, { cause: e });
  }
}

/** A self-signed CA `ca.crt`/`ca.key` in `dir`. */
export function makeCa(dir: string, commonName: string, days: number, hint?: string): CertFiles {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const args = ['req', '-x509', '-new', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', String(days)];
  openssl([...args, '-subj', `/CN=${commonName}`], dir, hint);
  return { cert: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') };
}

/** `name.crt`/`name.key` in `dir`, signed by the CA there, with the given subject and extensions (openssl syntax). */
export function signLeaf(dir: string, name: string, subject: string, extensions: string, days: number): CertFiles {
  openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  const sign = ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'];
  openssl([...sign, '-days', String(days), '-out', `${name}.crt`, '-extfile', `${name}.ext`], dir);
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

/** `subjectAltName` entries for hosts: addresses become IP SANs, names DNS SANs. */
export function subjectAltNames(hosts: readonly string[]): string {
  return hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
}

/**
 * The extension's own serving certificate: a CA and a leaf with the SANs CAPI dials (its TLS server name is the
 * URL host, so a 127.0.0.1 URL needs an IP SAN). Made with `openssl` (Node's crypto cannot issue X.509), like the
 * testenv's certificates; the CA goes into the ExtensionConfig's caBundle. Users may bring their own instead.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface ServingCert {
  readonly cert: string;
  readonly key: string;
  /** PEM of the CA that signed `cert` (the caBundle). */
  readonly ca: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT')
      throw new Error('openssl is not installed: install it, or pass --tls-cert-file/--tls-key-file/--tls-ca-file', {
        cause: e,
      });
    const first = String(err.stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new Error(`openssl ${args[0]} failed: ${first}`, { cause: e });
  }
}

/** Makes a CA and a serving certificate for `hosts` (IPs become IP SANs, names DNS SANs) in `dir`. */
export function makeServingCert(dir: string, hosts: readonly string[]): ServingCert {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      '-new',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '365',
      '-subj',
      '/CN=cskit-manager-ca',
    ],
    dir,
  );
  openssl(['req', '-new', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=cskit-manager'], dir);
  const sans = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  fs.writeFileSync(
    path.join(dir, 'tls.ext'),
    `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n`,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '365',
      '-out',
      'tls.crt',
      '-extfile',
      'tls.ext',
    ],
    dir,
  );
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return { cert: read('tls.crt'), key: read('tls.key'), ca: read('ca.crt') };
}

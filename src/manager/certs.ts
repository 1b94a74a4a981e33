/**
 * The extension's own serving certificate: a CA and a leaf with the SANs CAPI dials (its TLS server name is the
 * URL host, so a 127.0.0.1 URL needs an IP SAN). Made by src/util/certs.ts (openssl), like the testenv's
 * certificates; the CA goes into the ExtensionConfig's caBundle. Users may bring their own instead.
 */
import * as fs from 'fs';
import { makeCa, signLeaf, subjectAltNames } from '../util/certs';

export interface ServingCert {
  readonly cert: string;
  readonly key: string;
  /** PEM of the CA that signed `cert` (the caBundle). */
  readonly ca: string;
}

const HINT = 'install it, or pass --tls-cert-file/--tls-key-file/--tls-ca-file';

/** Makes a CA and a serving certificate for `hosts` (IPs become IP SANs, names DNS SANs) in `dir`. */
export function makeServingCert(dir: string, hosts: readonly string[]): ServingCert {
  const ca = makeCa(dir, 'cskit-manager-ca', 365, HINT);
  const ext =
    `subjectAltName=${subjectAltNames(hosts)}\n` +
    'extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n';
  const tls = signLeaf(dir, 'tls', '/CN=cskit-manager', ext, 365);
  const read = (f: string) => fs.readFileSync(f, 'utf8');
  return { cert: read(tls.cert), key: read(tls.key), ca: read(ca.cert) };
}

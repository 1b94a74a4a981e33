/**
 * Certificates for one test run, made with openssl: a CA, the API servers' serving certificate (127.0.0.1,
 * localhost and the in-cluster names), client certificates (admin in system:masters, a restricted user with no
 * groups), and the service-account signing key pair. Short-lived: they exist only for the run.
 */

import * as fs from 'fs';
import * as path from 'path';
import { CertFiles, makeCa, openssl, signLeaf } from '../src/util/certs';

/** The files (paths) of one run's CA, serving and client certificates, keys and service-account key pair. */
export interface Certs {
  readonly dir: string;
  readonly ca: CertFiles;
  readonly serving: CertFiles;
  readonly admin: CertFiles;
  readonly restricted: CertFiles;
  readonly sa: { key: string; pub: string };
}

const DAYS = 7;

export function makeCerts(dir: string): Certs {
  const ca = makeCa(dir, 'cskit-testenv-ca', DAYS);
  const serving = signLeaf(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,' +
      'IP:10.96.0.1\n' +
      'extendedKeyUsage=serverAuth\n',
    DAYS,
  );
  const admin = signLeaf(dir, 'admin', '/O=system:masters/CN=cskit-admin', 'extendedKeyUsage=clientAuth\n', DAYS);
  const restricted = signLeaf(dir, 'restricted', '/CN=cskit-restricted', 'extendedKeyUsage=clientAuth\n', DAYS);
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return { dir, ca, serving, admin, restricted, sa: { key: path.join(dir, 'sa.key'), pub: path.join(dir, 'sa.pub') } };
}

/** A kubeconfig with everything embedded, so it works from any directory. */
export function kubeconfig(
  name: string,
  server: string,
  caCert: string,
  client: { cert: string; key: string },
  user: string,
): string {
  const b64 = (f: string) => fs.readFileSync(f).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(caCert)}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate-data: ${b64(client.cert)}`,
    `    client-key-data: ${b64(client.key)}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${user}`,
    `current-context: ${name}`,
    '',
  ].join('\n');
}

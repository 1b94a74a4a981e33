/**
 * Certificates for one test run, made with openssl: a CA, the API servers' serving certificate (127.0.0.1,
 * localhost and the in-cluster names), client certificates (admin in system:masters, a restricted user with no
 * groups), and the service-account signing key pair. Short-lived: they exist only for the run.
 */

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The files (paths) of one run's CA, serving and client certificates, keys and service-account key pair. */
export interface Certs {
  readonly dir: string;
  readonly ca: { cert: string; key: string };
  readonly serving: { cert: string; key: string };
  readonly admin: { cert: string; key: string };
  readonly restricted: { cert: string; key: string };
  readonly sa: { key: string; pub: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function leaf(dir: string, name: string, subject: string, ext: string): { cert: string; key: string } {
  openssl(
    [
      'req',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ],
    dir,
  );
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '7',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

export function makeCerts(dir: string): Certs {
  fs.mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '7',
      '-subj',
      '/CN=cskit-testenv-ca',
    ],
    dir,
  );
  const serving = leaf(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,' +
      'IP:10.96.0.1\n' +
      'extendedKeyUsage=serverAuth\n',
  );
  const admin = leaf(dir, 'admin', '/O=system:masters/CN=cskit-admin', 'extendedKeyUsage=clientAuth\n');
  const restricted = leaf(dir, 'restricted', '/CN=cskit-restricted', 'extendedKeyUsage=clientAuth\n');
  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    dir,
    ca: { cert: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') },
    serving,
    admin,
    restricted,
    sa: { key: path.join(dir, 'sa.key'), pub: path.join(dir, 'sa.pub') },
  };
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

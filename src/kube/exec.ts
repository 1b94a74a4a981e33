/**
 * Credentials from a kubeconfig exec plugin (client.authentication.k8s.io ExecCredential), as kubectl runs
 * them: the plugin's stdout is a JSON ExecCredential with a token or a client certificate, kept until its
 * expirationTimestamp; stderr goes to the user (login prompts). The plugin's output is a secret: it never
 * appears in a message.
 */
import { spawn } from 'child_process';
import { KubeError } from './types';

export interface ExecConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly apiVersion: string;
  readonly interactive: boolean;
  /** Set when the kubeconfig asks for provideClusterInfo. */
  readonly server?: string;
  /** `kubeconfig FILE: users[name=x].user.exec`, for messages. */
  readonly where: string;
}

export interface ExecCredential {
  readonly token?: string;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** Epoch ms after which the plugin must run again; undefined: until the server says 401. */
  readonly expires?: number;
}

/** How long a plugin may take (interactive logins included). */
export const EXEC_TIMEOUT_MS = 120_000;

export function runExec(c: ExecConfig, timeoutMs = EXEC_TIMEOUT_MS): Promise<ExecCredential> {
  const fail = (why: string) => new KubeError('config', `${c.where}: exec plugin ${c.command} ${why}`);
  const info = {
    apiVersion: c.apiVersion,
    kind: 'ExecCredential',
    spec: {
      interactive: c.interactive && !!process.stdin.isTTY,
      ...(c.server ? { cluster: { server: c.server } } : {}),
    },
  };
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(c.command, [...c.args], {
        env: { ...process.env, ...c.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) },
        stdio: [info.spec.interactive ? 'inherit' : 'ignore', 'pipe', 'inherit'],
      });
    } catch (e) {
      reject(fail(`could not be started (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`));
      return;
    }
    const out: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(fail(`did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= 1024 * 1024) out.push(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        fail(e.code === 'ENOENT' ? 'not found (is it installed and on $PATH?)' : `failed (${e.code ?? e.message})`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(fail(`exited with ${code ?? signal} (its messages are above)`));
        return;
      }
      let cred: { status?: Record<string, unknown> };
      try {
        cred = JSON.parse(Buffer.concat(out).toString('utf8'));
      } catch {
        reject(fail('printed no ExecCredential JSON on stdout'));
        return;
      }
      const st = cred?.status;
      const str = (k: string) => (typeof st?.[k] === 'string' && st[k] ? (st[k] as string) : undefined);
      const token = str('token');
      const cert = str('clientCertificateData');
      const key = str('clientKeyData');
      if (!token && !(cert && key)) {
        reject(fail('returned neither status.token nor status.clientCertificateData and clientKeyData'));
        return;
      }
      const exp = str('expirationTimestamp');
      const expires = exp ? Date.parse(exp) : undefined;
      resolve({
        token,
        cert: cert ? Buffer.from(cert) : undefined,
        key: key ? Buffer.from(key) : undefined,
        expires: expires !== undefined && !Number.isNaN(expires) ? expires : undefined,
      });
    });
  });
}

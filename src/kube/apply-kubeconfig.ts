import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

/**
 * The common kubeconfig shapes (one file; client certificate, bearer token or basic auth; no proxy), read without
 * @kubernetes/client-node: loading that ESM library costs more start-up time than applying a whole stack.
 * Anything else (exec and auth-provider plugins, merged KUBECONFIG lists, proxies) returns undefined and the
 * caller uses the library, which also produces the error messages for broken kubeconfigs.
 */
export interface SimpleKubeconfig {
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecure: boolean;
  readonly servername?: string;
  /** Authorization header, if any. */
  readonly authorization?: () => string;
  /** The context's namespace, if it sets one. */
  readonly namespace?: string;
}

type Named<T> = Array<{ name: string } & T>;

export function readSimpleKubeconfig(opts: { kubeconfig?: string; context?: string }): SimpleKubeconfig | undefined {
  let file = opts.kubeconfig;
  if (!file) {
    const env = process.env.KUBECONFIG;
    if (env) {
      const files = env.split(path.delimiter).filter(Boolean);
      if (files.length !== 1) return undefined;
      file = files[0];
    } else file = path.join(os.homedir(), '.kube', 'config');
  }
  let doc: any;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const dir = path.dirname(path.resolve(file));
  const ctxName = opts.context ?? doc?.['current-context'];
  const ctx = (doc?.contexts as Named<{ context: any }> | undefined)?.find((c) => c.name === ctxName)?.context;
  const cluster = (doc?.clusters as Named<{ cluster: any }> | undefined)?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = (doc?.users as Named<{ user: any }> | undefined)?.find((u) => u.name === ctx?.user)?.user ?? {};
  if (!ctx || !cluster?.server || cluster['proxy-url'] || user.exec || user['auth-provider']) return undefined;
  const read = (dataKey: string, fileKey: string, from: any): Buffer | undefined => {
    if (from[dataKey]) return Buffer.from(String(from[dataKey]), 'base64');
    if (from[fileKey]) return fs.readFileSync(path.resolve(dir, String(from[fileKey])));
    return undefined;
  };
  try {
    let authorization: (() => string) | undefined;
    if (user.token) authorization = () => `Bearer ${user.token}`;
    else if (user.tokenFile) {
      // Projected service-account tokens rotate: read per request, as the library does.
      const tf = path.resolve(dir, String(user.tokenFile));
      authorization = () => `Bearer ${fs.readFileSync(tf, 'utf8').trim()}`;
    } else if (user.username) {
      const basic = Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64');
      authorization = () => `Basic ${basic}`;
    }
    return {
      server: String(cluster.server).replace(/\/+$/, ''),
      ca: read('certificate-authority-data', 'certificate-authority', cluster),
      cert: read('client-certificate-data', 'client-certificate', user),
      key: read('client-key-data', 'client-key', user),
      insecure: cluster['insecure-skip-tls-verify'] === true,
      servername: cluster['tls-server-name'],
      authorization,
      namespace: ctx.namespace ? String(ctx.namespace) : undefined,
    };
  } catch {
    return undefined;
  }
}

/**
 * THE kubeconfig reader: --kubeconfig FILE, an inline kubeconfig (a CAPI `<cluster>-kubeconfig` Secret),
 * $KUBECONFIG (a list of files merged as kubectl merges them), ~/.kube/config, and in-cluster config (service
 * account token and CA, KUBERNETES_SERVICE_HOST/PORT) when none of those exists and we run in a pod.
 * Every field is type-checked here, so a broken kubeconfig is an error naming the file and the field, never a
 * JavaScript message from deeper down. Credentials (tokens, passwords, keys) never appear in a message.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExecConfig } from './exec';
import { isInputError } from '../util/errors';
import { YamlDoc, parseYaml, readYamlFile } from '../util/yaml';
import { KubeError } from './types';

export interface ConnectOptions {
  /** Path to a kubeconfig file; default: $KUBECONFIG, then ~/.kube/config, then in-cluster config. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Inline kubeconfig YAML (e.g. from a CAPI `<cluster>-kubeconfig` Secret); never written to disk. */
  readonly kubeconfigYaml?: string;
  /** Where the inline kubeconfig came from, for messages (e.g. `Secret ns/name-kubeconfig`). */
  readonly kubeconfigSource?: string;
}

/** Where to look when no kubeconfig is given; tests point these at temporary files. */
export interface Environment {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  /** The service account directory of a pod. */
  readonly serviceAccountDir: string;
}

export const defaultEnvironment = (): Environment => ({
  env: process.env,
  home: process.env.HOME || os.homedir(),
  serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount',
});

/** How to authenticate. Secrets stay in here; messages use `describeAuth`. */
export type Auth =
  | { readonly type: 'none' }
  | { readonly type: 'token'; readonly token: string }
  /** Read per request: projected service-account tokens rotate. `field` names it for messages. */
  | { readonly type: 'token-file'; readonly file: string; readonly field: string }
  | { readonly type: 'basic'; readonly header: string }
  | { readonly type: 'exec'; readonly exec: ExecConfig };

/** One cluster, user and context, resolved and checked: everything the transport needs. */
export interface ClusterConfig {
  /** The API server URL without a trailing slash (and without user info). */
  readonly server: string;
  /** Where this came from, for messages: `kubeconfig /path (context x)` or `in-cluster config`. */
  readonly source: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecure: boolean;
  readonly servername?: string;
  /** An http(s) proxy the connection goes through (CONNECT). */
  readonly proxyUrl?: string;
  /** The context's namespace, if it sets one (kubectl's default for -n); the pod's namespace in a cluster. */
  readonly namespace?: string;
  readonly auth: Auth;
}

type Obj = Record<string, unknown>;

/** Type checks that name the field (`users[name=admin].user.token`) and never print a value. */
class Fields {
  constructor(readonly where: string) {}
  fail(field: string, problem: string, fix?: string): never {
    throw new KubeError('config', `kubeconfig ${this.where}: ${field}: ${problem}${fix ? `; ${fix}` : ''}`);
  }
  kindOf(v: unknown): string {
    return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
  }
  obj(v: unknown, field: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(field, `expected a mapping, found ${this.kindOf(v)}`);
    return v as Obj;
  }
  str(o: Obj, key: string, field: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') this.fail(`${field}.${key}`, `expected a string, found ${this.kindOf(v)}`);
    return v;
  }
  bool(o: Obj, key: string, field: string): boolean {
    const v = o[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(`${field}.${key}`, `expected true or false, found ${this.kindOf(v)}`);
    return v;
  }
  /** A list of `{name, <item>}` entries, e.g. `clusters`. */
  named(doc: Obj, list: string, item: string): Map<string, { value: Obj; field: string }> {
    const out = new Map<string, { value: Obj; field: string }>();
    const v = doc[list];
    if (v === undefined || v === null) return out;
    if (!Array.isArray(v)) this.fail(list, `expected a list, found ${this.kindOf(v)}`);
    v.forEach((e, i) => {
      const entry = this.obj(e, `${list}[${i}]`);
      if (!entry) this.fail(`${list}[${i}]`, 'empty entry');
      const name = entry.name;
      if (typeof name !== 'string' || !name) this.fail(`${list}[${i}].name`, 'missing (expected a string)');
      const field = `${list}[name=${name}].${item}`;
      if (!out.has(name)) out.set(name, { value: this.obj(entry[item], field) ?? {}, field });
    });
    return out;
  }
}

/** One parsed kubeconfig file (or inline document), with the directory its relative paths are resolved from. */
interface Loaded {
  readonly where: string;
  readonly dir: string;
  readonly doc: Obj;
}

/**
 * Parses through THE YAML reader (kind 'kubeconfig': size limit, strict UTF-8, file:line:column errors that never
 * quote the line, which could hold a credential). Its InputErrors become config errors.
 */
function parseDoc(read: () => YamlDoc[], where: string, dir: string): Loaded {
  let docs: YamlDoc[];
  try {
    docs = read();
  } catch (e) {
    if (isInputError(e)) throw new KubeError('config', `kubeconfig ${e.message}`);
    throw e;
  }
  const f = new Fields(where);
  if (docs.length > 1) f.fail('(whole file)', `${docs.length} YAML documents, expected one`);
  const value = docs[0]?.value;
  if (value === undefined || value === null)
    f.fail('(whole file)', 'empty', 'a kubeconfig has clusters, users, contexts and current-context');
  const doc = f.obj(value, '(whole file)')!;
  const kind = doc.kind;
  if (kind !== undefined && kind !== 'Config')
    f.fail('kind', `"${String(kind)}" is not a kubeconfig (expected kind: Config)`);
  return { where, dir, doc };
}

/** A kubeconfig file, by absolute path. */
const fromFile = (file: string): Loaded => parseDoc(() => readYamlFile(file, 'kubeconfig'), file, path.dirname(file));

/** A certificate, key or CA file the kubeconfig points to. */
function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : code;
    throw new KubeError('config', `${what} ${file} ${why}`);
  }
}

/** The kubeconfig documents to merge, or an in-cluster config, or an error saying where we looked. */
function sources(opts: ConnectOptions, envr: Environment): Loaded[] | 'in-cluster' {
  if (opts.kubeconfigYaml !== undefined) {
    const where = opts.kubeconfigSource ?? '(inline)';
    const text = opts.kubeconfigYaml;
    return [parseDoc(() => parseYaml(text, where, 'kubeconfig'), where, process.cwd())];
  }
  if (opts.kubeconfig) {
    return [fromFile(path.resolve(opts.kubeconfig))];
  }
  const looked: string[] = [];
  const list = envr.env.KUBECONFIG;
  if (list) {
    // As kubectl: files in $KUBECONFIG that do not exist are skipped; the others are merged, the first one wins.
    const files = list
      .split(path.delimiter)
      .filter(Boolean)
      .map((f) => path.resolve(f));
    const present = files.filter((f) => fs.existsSync(f));
    if (present.length) return present.map(fromFile);
    looked.push(`$KUBECONFIG (${files.join(path.delimiter)}: ${files.length > 1 ? 'none exists' : 'does not exist'})`);
  } else {
    const file = path.join(envr.home, '.kube', 'config');
    if (fs.existsSync(file)) return [fromFile(file)];
    looked.push('$KUBECONFIG (not set)', `${file} (does not exist)`);
  }
  const host = envr.env.KUBERNETES_SERVICE_HOST;
  const tokenFile = path.join(envr.serviceAccountDir, 'token');
  if (host && fs.existsSync(tokenFile)) return 'in-cluster';
  looked.push(
    host
      ? `in-cluster config (KUBERNETES_SERVICE_HOST is set but ${tokenFile} does not exist)`
      : 'in-cluster config (KUBERNETES_SERVICE_HOST not set: not running in a pod)',
  );
  throw new KubeError('config', `no kubeconfig found; looked at ${looked.join(', ')}; pass --kubeconfig FILE`);
}

/** In a pod: the service account's token (re-read per request: it rotates), CA and namespace. */
function inCluster(envr: Environment): ClusterConfig {
  const host = envr.env.KUBERNETES_SERVICE_HOST!;
  const port = envr.env.KUBERNETES_SERVICE_PORT || '443';
  if (!/^\d+$/.test(port))
    throw new KubeError('config', `in-cluster config: KUBERNETES_SERVICE_PORT "${port}" is not a port number`);
  const dir = envr.serviceAccountDir;
  const caFile = path.join(dir, 'ca.crt');
  const ca = fs.existsSync(caFile) ? readFile(caFile, 'in-cluster CA file') : undefined;
  const nsFile = path.join(dir, 'namespace');
  const namespace = fs.existsSync(nsFile) ? fs.readFileSync(nsFile, 'utf8').trim() || undefined : undefined;
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    source: 'in-cluster config',
    ca,
    insecure: false,
    namespace,
    auth: {
      type: 'token-file',
      file: path.join(dir, 'token'),
      field: `in-cluster config: service account token file ${path.join(dir, 'token')}`,
    },
  };
}

function checkServer(raw: string, f: Fields, field: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  // The value is printed only when it cannot carry a password (user info).
  const shown = raw.includes('@') ? '(value not shown: it contains user info)' : `"${raw}"`;
  if (!url || !url.hostname) f.fail(field, `${shown} is not a URL`, 'expected https://HOST:PORT');
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    f.fail(field, `${shown}: unsupported scheme ${url.protocol}`, 'expected https://HOST:PORT');
  if (url.username || url.password) f.fail(field, 'user info in the server URL is not supported', 'use users[]');
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Base64 `-data` fields or files relative to the kubeconfig. */
function material(o: Obj, dataKey: string, fileKey: string, field: string, f: Fields, dir: string) {
  const data = f.str(o, dataKey, field);
  if (data !== undefined) {
    if (!/^[A-Za-z0-9+/=\s]*$/.test(data)) f.fail(`${field}.${dataKey}`, 'is not base64');
    return Buffer.from(data, 'base64');
  }
  const file = f.str(o, fileKey, field);
  if (file === undefined) return undefined;
  const abs = path.resolve(dir, file);
  if (!fs.existsSync(abs)) f.fail(`${field}.${fileKey}`, `file ${abs} does not exist`);
  return readFile(abs, `${field}.${fileKey}:`);
}

function readAuth(user: Obj, field: string, f: Fields, dir: string, server: string): Auth {
  const token = f.str(user, 'token', field);
  if (token !== undefined) return { type: 'token', token };
  const tokenFile = f.str(user, 'tokenFile', field);
  if (tokenFile !== undefined) {
    const file = path.resolve(dir, tokenFile);
    if (!fs.existsSync(file)) f.fail(`${field}.tokenFile`, `file ${file} does not exist`);
    return { type: 'token-file', file, field: `kubeconfig ${f.where}: ${field}.tokenFile ${file}` };
  }
  const provider = f.obj(user['auth-provider'], `${field}.auth-provider`);
  if (provider) {
    const name = f.str(provider, 'name', `${field}.auth-provider`);
    const config = f.obj(provider.config, `${field}.auth-provider.config`) ?? {};
    if (name === 'oidc') {
      const idToken = f.str(config, 'id-token', `${field}.auth-provider.config`);
      if (idToken) return { type: 'token', token: idToken };
      f.fail(
        `${field}.auth-provider.config.id-token`,
        'missing; cskit does not run the OIDC login itself',
        'log in with kubectl (kubelogin) first, or use an exec plugin',
      );
    }
    f.fail(
      `${field}.auth-provider.name`,
      `auth provider "${name ?? ''}" is not supported (only oidc; kubectl dropped gcp and azure in 1.26)`,
      'use the exec plugin your provider ships (gke-gcloud-auth-plugin, kubelogin)',
    );
  }
  const exec = f.obj(user.exec, `${field}.exec`);
  if (exec) return { type: 'exec', exec: readExec(exec, `${field}.exec`, f, dir, server) };
  const username = f.str(user, 'username', field);
  if (username !== undefined) {
    const password = f.str(user, 'password', field) ?? '';
    return { type: 'basic', header: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  }
  return { type: 'none' };
}

function readExec(exec: Obj, field: string, f: Fields, dir: string, server: string): ExecConfig {
  const command = f.str(exec, 'command', field);
  if (!command) f.fail(`${field}.command`, 'missing');
  const apiVersion = f.str(exec, 'apiVersion', field) ?? 'client.authentication.k8s.io/v1';
  if (!/^client\.authentication\.k8s\.io\/(v1|v1beta1)$/.test(apiVersion))
    f.fail(`${field}.apiVersion`, `"${apiVersion}" is not supported (client.authentication.k8s.io/v1 or v1beta1)`);
  const args = exec.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))
    f.fail(`${field}.args`, 'expected a list of strings');
  const env: Record<string, string> = {};
  const envList = exec.env ?? [];
  if (!Array.isArray(envList)) f.fail(`${field}.env`, `expected a list, found ${f.kindOf(envList)}`);
  envList.forEach((e, i) => {
    const o = f.obj(e, `${field}.env[${i}]`) ?? {};
    const name = f.str(o, 'name', `${field}.env[${i}]`);
    if (!name) f.fail(`${field}.env[${i}].name`, 'missing');
    env[name] = f.str(o, 'value', `${field}.env[${i}]`) ?? '';
  });
  // A command with a slash is relative to the kubeconfig's directory (as in client-go); a bare name is on $PATH.
  const cmd = command.includes('/') ? path.resolve(dir, command) : command;
  return {
    command: cmd,
    args: args as string[],
    env,
    apiVersion,
    interactive: f.str(exec, 'interactiveMode', field) !== 'Never',
    server: f.bool(exec, 'provideClusterInfo', field) ? server : undefined,
    where: `kubeconfig ${f.where}: ${field}`,
  };
}

/**
 * Reads and checks the kubeconfig the options and environment point to; throws a KubeError of kind 'config'
 * naming the file and field when it cannot be used.
 */
export function loadKubeconfig(opts: ConnectOptions = {}, envr: Environment = defaultEnvironment()): ClusterConfig {
  const docs = sources(opts, envr);
  if (docs === 'in-cluster') {
    if (opts.context) throw new KubeError('config', `--context ${opts.context}: no kubeconfig found (in-cluster)`);
    return inCluster(envr);
  }
  const where = docs.map((d) => d.where).join(path.delimiter);
  const merged = { clusters: new Map(), users: new Map(), contexts: new Map() } as Record<
    'clusters' | 'users' | 'contexts',
    Map<string, { value: Obj; field: string; f: Fields; dir: string }>
  >;
  let current: string | undefined;
  for (const d of docs) {
    const f = new Fields(d.where);
    for (const [list, item] of [
      ['clusters', 'cluster'],
      ['users', 'user'],
      ['contexts', 'context'],
    ] as const) {
      for (const [name, e] of f.named(d.doc, list, item)) {
        if (!merged[list].has(name)) merged[list].set(name, { ...e, f, dir: d.dir });
      }
    }
    current ??= new Fields(d.where).str(d.doc, 'current-context', '(top level)') || undefined;
  }
  const ctxName = opts.context ?? current;
  const names = [...merged.contexts.keys()];
  if (!ctxName)
    throw new KubeError(
      'config',
      `kubeconfig ${where}: no current-context set; pass --context NAME (available: ${names.join(', ') || 'none'})`,
    );
  const ctx = merged.contexts.get(ctxName);
  if (!ctx)
    throw new KubeError(
      'config',
      `kubeconfig ${where}: context "${ctxName}"${opts.context ? '' : ' (current-context)'} is not defined; ` +
        `available: ${names.join(', ') || 'none'}`,
    );
  const cf: Fields = ctx.f;
  const clusterName = cf.str(ctx.value, 'cluster', ctx.field);
  if (!clusterName) cf.fail(`${ctx.field}.cluster`, 'missing');
  const cluster = merged.clusters.get(clusterName);
  if (!cluster) cf.fail(`${ctx.field}.cluster`, `cluster "${clusterName}" is not defined in clusters`);
  const userName = cf.str(ctx.value, 'user', ctx.field);
  const user = userName === undefined ? undefined : merged.users.get(userName);
  if (userName !== undefined && !user) cf.fail(`${ctx.field}.user`, `user "${userName}" is not defined in users`);
  const namespace = cf.str(ctx.value, 'namespace', ctx.field);

  const f: Fields = cluster.f;
  const c = cluster.value;
  const rawServer = f.str(c, 'server', cluster.field);
  if (!rawServer) f.fail(`${cluster.field}.server`, 'missing', 'expected https://HOST:PORT');
  const server = checkServer(rawServer, f, `${cluster.field}.server`);
  const proxy = f.str(c, 'proxy-url', cluster.field);
  if (proxy !== undefined && !/^https?:\/\/[^/]/.test(proxy))
    f.fail(`${cluster.field}.proxy-url`, 'only http:// and https:// proxies are supported');
  const ca = material(c, 'certificate-authority-data', 'certificate-authority', cluster.field, f, cluster.dir);

  const u = user?.value ?? {};
  const uf: Fields = user?.f ?? f;
  const ufield = user?.field ?? 'users';
  const udir = user?.dir ?? cluster.dir;
  const cert = material(u, 'client-certificate-data', 'client-certificate', ufield, uf, udir);
  const key = material(u, 'client-key-data', 'client-key', ufield, uf, udir);
  if (!!cert !== !!key)
    uf.fail(
      ufield,
      `${cert ? 'client-certificate' : 'client-key'} without ${cert ? 'client-key' : 'client-certificate'}`,
    );
  return {
    server,
    source: `kubeconfig ${where} (context ${ctxName})`,
    ca,
    cert,
    key,
    insecure: f.bool(c, 'insecure-skip-tls-verify', cluster.field),
    servername: f.str(c, 'tls-server-name', cluster.field),
    proxyUrl: proxy,
    namespace,
    auth: readAuth(u, ufield, uf, udir, server),
  };
}

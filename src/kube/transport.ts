/**
 * THE Kubernetes transport: one object per cluster (per kubeconfig), plain HTTP(S) over one keep-alive pool with
 * the kubeconfig's credentials, every step bounded in time (TCP connect, TLS handshake, each request, streaming
 * watches, the whole command), every failure a KubeError naming the server and what was being done. No
 * Kubernetes client library: loading one costs more start-up time than applying a stack, and its errors for
 * bad input were JavaScript messages. Cheap to create: nothing is read or connected until the first request.
 */
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as tls from 'tls';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import { runExec, ExecCredential } from './exec';
import { ClusterConfig } from './kubeconfig';
import { KubeError, statusError } from './types';

/** The time bounds (ms). Listed in docs/operations.md. */
export interface Timeouts {
  /** TCP connection to the server (or the proxy). */
  readonly connectMs: number;
  /** TLS handshake, as kubectl's 10 s. */
  readonly handshakeMs: number;
  /** One request, from sending it to the last byte of the answer (kube-apiserver's own default is 60 s). */
  readonly requestMs: number;
  /** One discovery request (kubectl: 32 s). */
  readonly discoveryMs: number;
  /** A watch with no byte from the server for this long is dead (the server ends each watch after timeoutSeconds). */
  readonly watchIdleMs: number;
}

export const TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  handshakeMs: 10_000,
  requestMs: 60_000,
  discoveryMs: 32_000,
  watchIdleMs: 330_000,
};

/** Seconds after which the server ends a watch (the client then resumes from the last resourceVersion). */
export const WATCH_SECONDS = 300;
/** Largest answer accepted (a list of many big objects stays well below). */
export const MAX_BODY = 512 * 1024 * 1024;

export interface TransportOptions {
  /** Sockets kept open to the server. */
  readonly maxSockets?: number;
  readonly timeouts?: Partial<Timeouts>;
  /** Epoch ms by which every request must be done (the whole command's bound), and how to name it. */
  readonly deadline?: { readonly at: number; readonly what: string };
  /** Sent as User-Agent (the API server's audit log records it: which process wrote what). */
  readonly userAgent?: string;
  /** Told of every finished request (not watches): for latency metrics. */
  readonly observe?: (r: { readonly method: string; readonly status: number | 'error'; readonly ms: number }) => void;
}

export interface Reply {
  readonly status: number;
  /** Parsed JSON, or the text when the answer is not JSON. */
  readonly body: unknown;
  /** True when the answer was meant to be JSON and was not. */
  readonly malformed?: string;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  /** Overrides TIMEOUTS.requestMs (discovery uses discoveryMs). */
  readonly timeoutMs?: number;
  /** Safe to send again after a dropped connection or a transient server error (everything but create). */
  readonly idempotent?: boolean;
}

const RETRIES = 8;
const pause = (attempt: number) => new Promise((res) => setTimeout(res, Math.min(2000, 100 * 2 ** attempt)));

function transient(r: Reply): boolean {
  if (r.status === 429 || r.status === 503 || r.status === 504) return true;
  const b = r.body as { message?: unknown } | string | undefined;
  const msg = typeof b === 'object' && b ? String(b.message ?? '') : String(b ?? '');
  return r.status === 500 && /storage is \(re\)initializing|etcdserver: (request timed out|leader changed)/.test(msg);
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A failure below HTTP, naming the server, in terms a user can act on. */
export function transportError(e: unknown, what: string, server: string): KubeError {
  if (e instanceof KubeError) return e;
  const err = e as { code?: unknown; message?: string; cause?: { code?: string } };
  const code = err.cause?.code ?? (typeof err.code === 'string' ? err.code : undefined) ?? '';
  const why: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset by the server',
    EPIPE: 'connection closed by the server',
    DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not in the kubeconfig's CA",
    SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not signed by the kubeconfig's certificate-authority",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by the kubeconfig's certificate-authority",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      "the server's certificate is not signed by the kubeconfig's certificate-authority",
    CERT_HAS_EXPIRED: "the server's certificate has expired",
    ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate is not valid for this host name (see tls-server-name)",
    ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS (is the URL http://?)',
    HPE_INVALID_CONSTANT: 'the server does not speak HTTP',
    HPE_INVALID_STATUS: 'the server does not speak HTTP',
  };
  if (why[code] || /^(E|ERR_|HPE_|CERT|UNABLE|SELF|DEPTH)/.test(code)) {
    return new KubeError('unreachable', `${what}: cannot talk to the API server ${server}: ${why[code] ?? code}`);
  }
  return new KubeError('server', `${what}: ${server}: ${err.message ?? String(e)}`);
}

/** Opens a tunnel through an http(s) proxy (CONNECT), bounded by the connect timeout. */
function tunnel(proxyUrl: string, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const proxy = new URL(proxyUrl);
  const lib = proxy.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { host: `${host}:${port}` };
  if (proxy.username) {
    const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = lib.request({
      hostname: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: `${host}:${port}`,
      headers,
      timeout: timeoutMs,
    });
    req.on('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(Object.assign(new Error(`proxy answered HTTP ${res.statusCode}`), { code: 'EPROXY' }));
      }
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('proxy timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

export class Transport {
  readonly server: string;
  readonly namespace?: string;
  /** Where the configuration came from, for messages. */
  readonly source: string;
  private readonly url: URL;
  readonly timeouts: Timeouts;
  private agent?: http.Agent;
  private agentCert?: Buffer;
  private exec?: Promise<ExecCredential>;
  private closed = false;

  constructor(
    private readonly cfg: ClusterConfig,
    private readonly opts: TransportOptions = {},
  ) {
    this.server = cfg.server;
    this.namespace = cfg.namespace;
    this.source = cfg.source;
    this.url = new URL(cfg.server);
    this.timeouts = { ...TIMEOUTS, ...opts.timeouts };
    // Broken PEM is a kubeconfig error, named here, not a TLS library message on the first request.
    const check = (what: string, o: tls.SecureContextOptions) => {
      try {
        tls.createSecureContext(o);
      } catch {
        throw new KubeError('config', `${cfg.source}: ${what} is not a valid PEM certificate/key`);
      }
    };
    if (cfg.ca) {
      // Node ignores a CA bundle it cannot parse (and then trusts nothing): check it is PEM certificates.
      let ok = /-----BEGIN CERTIFICATE-----/.test(cfg.ca.toString('latin1'));
      try {
        if (ok) new X509Certificate(cfg.ca);
      } catch {
        ok = false;
      }
      if (!ok) throw new KubeError('config', `${cfg.source}: certificate-authority(-data) is not a PEM certificate`);
    }
    if (cfg.cert && cfg.key) check('client-certificate(-data)/client-key(-data)', { cert: cfg.cert, key: cfg.key });
  }

  /** Closes kept-alive connections (so the process can exit at once). */
  close(): void {
    this.closed = true;
    this.agent?.destroy();
    this.agent = undefined;
  }

  private async credentials(): Promise<ExecCredential> {
    const a = this.cfg.auth;
    if (a.type === 'token') return { token: a.token };
    if (a.type === 'token-file') {
      try {
        return { token: fs.readFileSync(a.file, 'utf8').trim() };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new KubeError('config', `${a.field}: cannot read the token (${code === 'ENOENT' ? 'file gone' : code})`);
      }
    }
    if (a.type !== 'exec') return {};
    // One plugin run at a time; its credential is kept until 10 s before it expires (or the server says 401).
    const cur = this.exec;
    if (cur) {
      const c = await cur.catch(() => undefined);
      if (c && (c.expires === undefined || c.expires - 10_000 > Date.now())) return c;
      if (this.exec === cur) this.exec = undefined;
    }
    this.exec ??= runExec(a.exec);
    return this.exec;
  }

  private agentFor(cred: ExecCredential): http.Agent {
    const cert = cred.cert ?? this.cfg.cert;
    if (this.agent && this.agentCert === cert) return this.agent;
    this.agent?.destroy();
    const maxSockets = this.opts.maxSockets ?? 16;
    const proxy = this.cfg.proxyUrl;
    const connectMs = this.timeouts.connectMs;
    if (this.url.protocol === 'http:') {
      const agent = new http.Agent({ keepAlive: true, maxSockets });
      if (proxy) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (agent as any).createConnection = (o: net.NetConnectOpts & { host: string; port: number }, cb: any) => {
          tunnel(proxy, o.host, o.port, connectMs).then((s) => cb(null, s), cb);
        };
      }
      this.agent = agent;
    } else {
      const agent = new https.Agent({
        keepAlive: true,
        maxSockets,
        ca: this.cfg.ca,
        cert,
        key: cred.key ?? this.cfg.key,
        rejectUnauthorized: !this.cfg.insecure,
        servername: this.cfg.servername,
      });
      if (proxy) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (agent as any).createConnection = (o: tls.ConnectionOptions & { host: string; port: number }, cb: any) => {
          tunnel(proxy, o.host, o.port, connectMs).then((socket) => cb(null, tls.connect({ ...o, socket })), cb);
        };
      }
      this.agent = agent;
    }
    this.agentCert = cert;
    return this.agent;
  }

  private async headers(cred: ExecCredential): Promise<Record<string, string>> {
    const a = this.cfg.auth;
    const ua: Record<string, string> = this.opts.userAgent ? { 'user-agent': this.opts.userAgent } : {};
    if (a.type === 'basic') return { ...ua, authorization: a.header };
    return cred.token ? { ...ua, authorization: `Bearer ${cred.token}` } : ua;
  }

  /** The time left for one request: its own bound, or less when the command's deadline comes first. */
  private budget(ms: number): { ms: number; deadline: boolean } {
    const d = this.opts.deadline;
    if (!d) return { ms, deadline: false };
    const left = d.at - Date.now();
    return left < ms ? { ms: Math.max(0, left), deadline: true } : { ms, deadline: false };
  }

  private deadlineError(what: string): KubeError {
    return new KubeError('unreachable', `${what}: ${this.opts.deadline!.what} ran out before ${this.server} answered`);
  }

  /**
   * Sends one request and reads the whole answer, every step bounded: TCP connect, TLS handshake, and the request
   * from first byte sent to last byte received (a server that accepts and never answers, or dribbles, is cut off).
   * `onData` switches to streaming: the body is handed over chunk by chunk and not kept (watches).
   */
  private once(
    what: string,
    method: string,
    path: string,
    o: RequestOptions,
    cred: ExecCredential,
    headers: Record<string, string>,
    stream?: { onData: (b: Buffer) => void; idleMs: number; signal?: AbortSignal },
  ): Promise<Reply> {
    const data = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const h: Record<string, string> = { accept: o.accept ?? 'application/json', ...headers };
    if (data !== undefined) {
      h['content-type'] = o.contentType ?? 'application/json';
      h['content-length'] = String(Buffer.byteLength(data));
    }
    const budget = stream ? undefined : this.budget(o.timeoutMs ?? this.timeouts.requestMs);
    if (budget && budget.ms <= 0) return Promise.reject(this.deadlineError(what));
    const lib = this.url.protocol === 'http:' ? http : https;
    const server = this.server;
    const t = this.timeouts;
    return new Promise<Reply>((resolve, reject) => {
      let done = false;
      const timers: NodeJS.Timeout[] = [];
      // The watch's idle timer is re-armed per chunk: kept apart so a long watch does not collect timers.
      let idle: NodeJS.Timeout | undefined;
      const finish = (err: Error | undefined, r?: Reply) => {
        if (done) return;
        done = true;
        timers.forEach(clearTimeout);
        clearTimeout(idle);
        if (err) {
          req.destroy();
          reject(err);
          return;
        }
        resolve(r!);
      };
      const cut = (message: string, kind: 'unreachable' = 'unreachable') =>
        finish(new KubeError(kind, `${what}: ${message}`));
      const req = lib.request(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          path: `${this.url.pathname.replace(/\/$/, '')}${path}`,
          method,
          headers: h,
          agent: this.agentFor(cred),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const streaming = stream && res.statusCode === 200;
          const touch = () => {
            if (!streaming) return;
            clearTimeout(idle);
            idle = setTimeout(
              () => cut(`no data from ${server} for ${secs(stream.idleMs)} during a watch`),
              stream.idleMs,
            );
          };
          touch();
          res.on('data', (c: Buffer) => {
            if (streaming) {
              touch();
              try {
                stream.onData(c);
              } catch (e) {
                finish(e as Error);
              }
              return;
            }
            size += c.length;
            if (size > MAX_BODY) cut(`${server} sent more than ${MAX_BODY / 1024 / 1024} MiB`);
            else chunks.push(c);
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            const isJson = /json/.test(String(res.headers['content-type'] ?? '')) || /^\s*[{[]/.test(text);
            let body: unknown = text || undefined;
            let malformed: string | undefined;
            if (text && isJson) {
              try {
                body = JSON.parse(text);
              } catch (e) {
                malformed = (e as Error).message;
              }
            }
            finish(undefined, { status, body, malformed });
          });
          res.on('error', (e) => finish(e));
          res.on('aborted', () =>
            finish(new KubeError('unreachable', `${what}: ${server} closed the connection mid-answer`)),
          );
        },
      );
      if (stream?.signal) {
        // Ended by the caller: status 0, and the connection is dropped (a watch never ends by itself).
        const onAbort = () => {
          finish(undefined, { status: 0, body: undefined });
          req.destroy();
        };
        if (stream.signal.aborted) onAbort();
        stream.signal.addEventListener('abort', onAbort, { once: true });
      }
      if (stream) {
        // A watch has no overall bound, but its answer must start in time.
        const st = setTimeout(() => cut(`no answer from ${server} within ${secs(t.requestMs)}`), t.requestMs);
        timers.push(st);
        req.once('response', () => clearTimeout(st));
      }
      if (budget) {
        timers.push(
          setTimeout(() => {
            if (budget.deadline) finish(this.deadlineError(what));
            else cut(`no complete answer from ${server} within ${secs(budget.ms)}`);
          }, budget.ms),
        );
      }
      req.on('socket', (socket: net.Socket) => {
        const tlsSocket = socket instanceof tls.TLSSocket;
        if (socket.connecting) {
          const ct = setTimeout(
            () => cut(`cannot connect to ${server}: no TCP connection within ${secs(t.connectMs)}`),
            t.connectMs,
          );
          timers.push(ct);
          socket.once('connect', () => {
            clearTimeout(ct);
            if (tlsSocket) {
              const ht = setTimeout(
                () => cut(`TLS handshake with ${server} did not finish within ${secs(t.handshakeMs)}`),
                t.handshakeMs,
              );
              timers.push(ht);
              socket.once('secureConnect', () => clearTimeout(ht));
            }
          });
        }
      });
      req.on('error', (e) => finish(e));
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  /**
   * Sends a request and returns the answer, whatever its status; dropped connections and transient server errors
   * are retried for idempotent requests; 401 with an exec plugin runs the plugin again, once.
   */
  async request(what: string, method: string, path: string, o: RequestOptions = {}): Promise<Reply> {
    if (!this.opts.observe) return this.attempts(what, method, path, o);
    const start = Date.now();
    try {
      const r = await this.attempts(what, method, path, o);
      this.opts.observe({ method, status: r.status, ms: Date.now() - start });
      return r;
    } catch (e) {
      this.opts.observe({ method, status: 'error', ms: Date.now() - start });
      throw e;
    }
  }

  private async attempts(what: string, method: string, path: string, o: RequestOptions): Promise<Reply> {
    if (this.closed) throw new KubeError('server', `${what}: the connection to ${this.server} was closed`);
    let reauth = this.cfg.auth.type === 'exec';
    for (let attempt = 0; ; attempt++) {
      const cred = await this.credentials();
      let r: Reply;
      try {
        r = await this.once(what, method, path, o, cred, await this.headers(cred));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A kept-alive socket the server closed: the request never got there.
        if (attempt < RETRIES && (code === 'ECONNRESET' || code === 'EPIPE') && o.idempotent !== false) {
          await pause(attempt);
          continue;
        }
        throw transportError(e, what, this.server);
      }
      if (r.status === 401 && reauth) {
        reauth = false;
        this.exec = undefined;
        continue;
      }
      if (attempt < RETRIES && o.idempotent !== false && transient(r)) {
        await pause(attempt);
        continue;
      }
      return r;
    }
  }

  /** As request, but a non-2xx answer throws (ApiStatusError) and a 2xx answer must be JSON. */
  async call(what: string, method: string, path: string, o: RequestOptions = {}): Promise<Reply> {
    const r = await this.request(what, method, path, o);
    if (r.status >= 200 && r.status < 300) {
      if (r.malformed)
        throw new KubeError('server', `${what}: ${this.server} sent malformed JSON (${r.malformed.slice(0, 120)})`);
      return r;
    }
    const e = statusError(r.status, r.body, what);
    if (r.status === 401) {
      throw Object.assign(e, { message: `${e.message} (the server rejected ${this.describeAuth()})` });
    }
    return Promise.reject(e);
  }

  /** Which credentials are used, without their value. */
  describeAuth(): string {
    const a = this.cfg.auth;
    const src = this.source;
    switch (a.type) {
      case 'none':
        return this.cfg.cert ? `the client certificate of ${src}` : `no credentials (${src} has none for this user)`;
      case 'token':
        return `the token of ${src}`;
      case 'token-file':
        return `the token from ${a.field}`;
      case 'basic':
        return `the username and password of ${src}`;
      case 'exec':
        return `the credential from ${a.exec.where} (${a.exec.command})`;
    }
  }

  /**
   * Streams a long-running GET (a watch) line by line, until the server ends it, `signal` aborts it, or no byte
   * arrives for watchIdleMs. Resolves with the status (200 when streamed; otherwise the error answer).
   */
  async stream(what: string, path: string, onLine: (line: string) => void, signal?: AbortSignal): Promise<Reply> {
    const cred = await this.credentials();
    let rest = '';
    const deadline = this.opts.deadline;
    let stop: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    if (deadline) {
      // The command's bound cuts a watch too.
      stop = new AbortController();
      signal?.addEventListener('abort', () => stop!.abort(), { once: true });
      timer = setTimeout(() => stop!.abort(), Math.max(0, deadline.at - Date.now()));
    }
    try {
      const r = await this.once(what, 'GET', path, { timeoutMs: undefined }, cred, await this.headers(cred), {
        idleMs: this.timeouts.watchIdleMs,
        signal: stop?.signal ?? signal,
        onData: (b) => {
          rest += b.toString('utf8');
          let i: number;
          while ((i = rest.indexOf('\n')) >= 0) {
            const line = rest.slice(0, i).trim();
            rest = rest.slice(i + 1);
            if (line) onLine(line);
          }
        },
      });
      if (rest.trim() && r.status === 200) onLine(rest.trim());
      if (deadline && deadline.at <= Date.now() && !signal?.aborted) throw this.deadlineError(what);
      return r;
    } catch (e) {
      throw transportError(e, what, this.server);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The Runtime SDK extension's https server: discovery and the hook handlers under
 * `/hooks.runtime.cluster.x-k8s.io/v1alpha1/`. Every answer comes within the hook timeout: a handler that has not
 * finished by then answers "retry" (CAPI asks again), never a hung request.
 */
import * as https from 'https';
import { AddressInfo } from 'net';
import {
  HOOKS,
  HOOKS_API_VERSION,
  Hook,
  HookResponse,
  StateSource,
  answerHook,
  discoveryResponse,
  handlerName,
} from './hooks';

export interface HookServerOptions {
  readonly cert: string;
  readonly key: string;
  readonly host?: string;
  /** 0: any free port. */
  readonly port?: number;
  /** Answer "retry" after this long (below CAPI's hook timeout of 10 s). */
  readonly answerWithinMs?: number;
  readonly log?: (line: string) => void;
  /** Told of every hook answer sent, how long it took and the request it answered (metrics, hook records). */
  readonly observe?: (hook: Hook, r: HookResponse, ms: number, request: unknown) => void;
  /**
   * Reads the certificate and key again (files cert-manager renews in place): looked at every `everyMs`, and a changed
   * pair is served to new connections from then on, so a renewal needs no restart.
   */
  readonly reload?: { readonly read: () => { cert: string; key: string }; readonly everyMs: number };
}

const MAX_BODY = 1 << 20;
const PREFIX = `/${HOOKS_API_VERSION}/`;

/** `<hook lower case>/<handler name>` → hook. */
const ROUTES = new Map<string, Hook>(HOOKS.map((h) => [`${h.toLowerCase()}/${handlerName(h)}`, h]));

export interface HookServer {
  readonly url: string;
  close(): Promise<void>;
}

function retryLater(hook: Hook): HookResponse {
  return {
    apiVersion: HOOKS_API_VERSION,
    kind: `${hook}Response`,
    status: 'Success',
    message: 'the manager is still reading the state; asking again shortly',
    ...(hook === 'AfterControlPlaneInitialized' ? {} : { retryAfterSeconds: 2 }),
  };
}

export async function startHookServer(source: StateSource, o: HookServerOptions): Promise<HookServer> {
  const within = o.answerWithinMs ?? 8000;
  const server = https.createServer({ cert: o.cert, key: o.key, minVersion: 'TLSv1.2' }, (req, res) => {
    const send = (code: number, body: unknown): boolean => {
      if (res.headersSent) return false;
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return true;
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || !path.startsWith(PREFIX)) return send(404, { message: `no handler for ${path}` });
    const route = path.slice(PREFIX.length);
    const hook = ROUTES.get(route);
    if (route !== 'discovery' && !hook) return send(404, { message: `no handler for ${path}` });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        send(413, { message: 'request body over 1 MiB' });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (route === 'discovery') return send(200, discoveryResponse());
      const h = hook as Hook;
      let request: unknown;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(200, { ...retryLater(h), status: 'Failure', message: 'request body is not JSON' });
      }
      const started = Date.now();
      // Observed only for the answer CAPI got: the real one, or the "retry" sent when the budget ran out first.
      const answer = (r: HookResponse) => {
        if (send(200, r)) o.observe?.(h, r, Date.now() - started, request);
      };
      const timer = setTimeout(() => answer(retryLater(h)), within);
      answerHook(h, request, source)
        .then((r) => {
          o.log?.(
            `${h} ${JSON.stringify((request as { cluster?: { metadata?: unknown } }).cluster?.metadata ?? {})}: ` +
              `${r.status} ${r.retryAfterSeconds ?? 0}s ${r.message}`,
          );
          answer(r);
        })
        .finally(() => clearTimeout(timer));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '0.0.0.0', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = o.host && o.host !== '0.0.0.0' ? o.host : '127.0.0.1';
  let serving = { cert: o.cert, key: o.key };
  const reloader = o.reload
    ? setInterval(() => {
        let next: { cert: string; key: string };
        try {
          next = o.reload!.read();
          if (next.cert === serving.cert && next.key === serving.key) return;
          server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
        } catch (e) {
          // Half-written files during a renewal, or a bad pair: keep serving the one that works, look again later.
          o.log?.(`serving certificate not reloaded: ${(e as Error).message}`);
          return;
        }
        serving = next;
        o.log?.('serving certificate reloaded');
      }, o.reload.everyMs)
    : undefined;
  reloader?.unref();
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (reloader) clearInterval(reloader);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

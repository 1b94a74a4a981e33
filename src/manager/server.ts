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
  /** Told every answer after it is sent (hook-record.ts persists them); it must not throw. */
  readonly onAnswer?: (hook: Hook, request: unknown, response: HookResponse) => void;
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
      const timer = setTimeout(() => send(200, retryLater(h)), within);
      answerHook(h, request, source)
        .then((r) => {
          o.log?.(
            `${h} ${JSON.stringify((request as { cluster?: { metadata?: unknown } }).cluster?.metadata ?? {})}: ` +
              `${r.status} ${r.retryAfterSeconds ?? 0}s ${r.message}`,
          );
          // Recorded only when this answer is the one CAPI got (not after a "retry" sent on the budget).
          if (send(200, r)) o.onAnswer?.(h, request, r);
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
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

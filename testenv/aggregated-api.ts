/**
 * What kwok leaves out for aggregated APIs: kwok marks pods Running but runs no container, so an addon's APIService
 * (metrics-server's `v1beta1.metrics.k8s.io`) could never turn Available in a workload API server of the testenv,
 * and no addon bundle with one could ever be reported healthy. The testenv therefore gives kwok's pods the host's
 * address as pod IP (the kube-apiservers route aggregated APIs to endpoints, `--enable-aggregator-routing`), and this
 * module serves, on that address and the container's port, the discovery documents of the aggregated group — the
 * stand-in for the container, as kwok's stages are for the kubelet. The API server's own availability check (endpoints,
 * a TLS discovery request) then decides Available, as it does in a real cluster. Metrics themselves are not served.
 */
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { makeCa, signLeaf, subjectAltNames } from '../src/util/certs';

/** The host's first non-loopback IPv4 address (what kwok's pods get as IP), or undefined when it has none. */
export function hostPodIp(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces()))
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/**
 * kwok's stages (testenv/kwok-stages.yaml) with `ip` as the pod IP of every Running pod, at the `# cskit:pod-ip`
 * marker of the pod stage's status template; without an address the marker stays a comment (pods get no IP).
 */
export function kwokStagesWithPodIp(stages: string, ip: string | undefined): string {
  const marker = /^( *)# cskit:pod-ip[^\n]*$/m;
  if (!marker.test(stages)) throw new Error('kwok stages: the "# cskit:pod-ip" marker of the pod stage is missing');
  if (!ip) return stages;
  return stages.replace(marker, (_m, indent: string) =>
    [`podIP: "${ip}"`, 'podIPs:', `- ip: "${ip}"`, `hostIP: "${ip}"`].map((l) => indent + l).join('\n'),
  );
}

/** Group versions a stand-in answers discovery for, with their resources (name → kind, namespaced). */
export interface StandInGroup {
  readonly group: string;
  readonly version: string;
  readonly resources: ReadonlyArray<{ readonly name: string; readonly kind: string; readonly namespaced: boolean }>;
}

/** metrics-server's API (resource metrics), as the metrics-server addons of the stacks register it. */
export const METRICS_API: StandInGroup = {
  group: 'metrics.k8s.io',
  version: 'v1beta1',
  resources: [
    { name: 'nodes', kind: 'NodeMetrics', namespaced: false },
    { name: 'pods', kind: 'PodMetrics', namespaced: true },
  ],
};

export interface StandIn {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves discovery for `groups` over https on `address:port` (metrics-server's container port is 10250). A port
 * already taken is an error naming it: one stand-in per machine, so callers hold the e2e lock.
 */
export async function startAggregatedStandIn(o: {
  address: string;
  port: number;
  groups: readonly StandInGroup[];
  dir: string;
}): Promise<StandIn> {
  const pki = path.join(o.dir, 'aggregated-api-pki');
  makeCa(pki, 'cskit testenv aggregated API stand-in', 2);
  const leaf = signLeaf(pki, 'serving', '/CN=aggregated-api', `subjectAltName=${subjectAltNames([o.address])}\n`, 2);
  const body = (obj: unknown) => JSON.stringify(obj);
  const groupList = {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: o.groups.map((g) => ({
      name: g.group,
      versions: [{ groupVersion: `${g.group}/${g.version}`, version: g.version }],
      preferredVersion: { groupVersion: `${g.group}/${g.version}`, version: g.version },
    })),
  };
  const server = https.createServer(
    { cert: fs.readFileSync(leaf.cert), key: fs.readFileSync(leaf.key) },
    (req, res) => {
      const url = (req.url ?? '/').split('?')[0].replace(/\/$/, '');
      const send = (code: number, obj: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(body(obj));
      };
      if (['/healthz', '/readyz', '/livez'].includes(url)) return send(200, 'ok');
      if (url === '/apis') return send(200, groupList);
      for (const g of o.groups) {
        if (url === `/apis/${g.group}`)
          return send(
            200,
            groupList.groups.find((x) => x.name === g.group),
          );
        if (url === `/apis/${g.group}/${g.version}`)
          return send(200, {
            kind: 'APIResourceList',
            apiVersion: 'v1',
            groupVersion: `${g.group}/${g.version}`,
            resources: g.resources.map((r) => ({
              name: r.name,
              singularName: '',
              namespaced: r.namespaced,
              kind: r.kind,
              verbs: ['get', 'list'],
            })),
          });
      }
      send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `aggregated API stand-in: cannot listen on ${o.address}:${o.port} (${e.code ?? e.message}); ` +
            'another testenv run may hold it: run under flock /tmp/cskit-e2e.lock',
        ),
      ),
    );
    server.listen(o.port, o.address, () => resolve());
  });
  return {
    address: o.address,
    port: o.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

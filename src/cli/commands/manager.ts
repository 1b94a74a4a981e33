/**
 * `cskit manager` (runs the addon manager against a management cluster) and `cskit addons status` (prints the
 * ClusterAddons status objects). Thin: flags are checked here, the work is src/manager/.
 */
import { Command, Option } from 'commander';
import * as fs from 'fs';
import * as os from 'os';
import { isIP } from 'net';
import * as path from 'path';
import { checkSecretTemplate, DEFAULT_KUBECONFIG_SECRET } from '../../manager/secret-template';
import { EXIT_ABORT, UserError } from '../errors';
import { countOption, durationOption, outputOption, parseDnsLabel } from '../options';
import { table } from '../../util/table';
import { registerManifests } from './manager-manifests';

interface ManagerFlags {
  kubeconfig?: string;
  context?: string;
  kubeconfigSecret: string;
  concurrency: number;
  hookHost: string;
  hookPort: number;
  advertiseUrl?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsCaFile?: string;
  registerExtension?: boolean;
  extensionName: string;
  namespaceSelector?: Record<string, string>;
  installCrd: boolean;
  cleanupTimeout: number;
  resync: number;
}

/** `k=v[,k=v]` → matchLabels. */
function parseMatchLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([-A-Za-z0-9_.]*)$/.exec(part.trim());
    if (!m)
      throw new UserError(
        `--namespace-selector: "${part}" is not key=value; expecting labels such as cskit.io/addons=enabled,env=dev`,
      );
    out[m[1]] = m[2];
  }
  return out;
}

/** Our InputError from a flag check becomes a usage error naming the flag. */
const asUsage = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (e) {
    throw new UserError((e as Error).message);
  }
};

const readPem = (flag: string, file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${flag}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
};

export function register(program: Command): void {
  const manager = program
    .command('manager')
    .description(
      'run the addon manager: install, upgrade, repair and remove the addons of every Cluster whose class has a ' +
        'bundle, in step with Cluster API (Runtime SDK hooks)',
    )
    .option('--kubeconfig <file>', 'management cluster kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(
      new Option(
        '--kubeconfig-secret <template>',
        "name of the Secret (Cluster's namespace, key value) with the workload kubeconfig; {cluster}: the Cluster name",
      )
        .default(DEFAULT_KUBECONFIG_SECRET)
        .argParser((s: string) => asUsage(() => checkSecretTemplate(s))),
    )
    .addOption(countOption('--concurrency <n>', 'Clusters reconciled at once', 8, 256))
    .addOption(
      new Option('--hook-host <address>', 'IP address the Runtime SDK hook server listens on')
        .default('0.0.0.0')
        .argParser((s: string) => {
          if (!isIP(s)) throw new UserError(`--hook-host: "${s}" is not an IP address, e.g. 0.0.0.0 or 127.0.0.1`);
          return s;
        }),
    )
    .addOption(
      new Option('--hook-port <port>', 'port of the hook server').default(9443).argParser((s: string) => {
        const n = Number(s);
        if (!/^\d+$/.test(s) || n < 1 || n > 65535)
          throw new UserError(`--hook-port: invalid port "${s}", expecting 1 to 65535`);
        return n;
      }),
    )
    .addOption(
      new Option(
        '--advertise-url <url>',
        'https URL CAPI calls the hooks at (default: https://127.0.0.1:<port>)',
      ).argParser((s: string) => {
        let u: URL | undefined;
        try {
          u = new URL(s);
        } catch {
          u = undefined;
        }
        if (u?.protocol !== 'https:')
          throw new UserError(`--advertise-url: "${s}" is not an https URL (CAPI calls extensions over https only)`);
        return s;
      }),
    )
    .option('--tls-cert-file <file>', 'serving certificate of the hook server (default: made at start with openssl)')
    .option('--tls-key-file <file>', 'its key')
    .option('--tls-ca-file <file>', 'the CA that signed it (goes into the ExtensionConfig caBundle)')
    .option('--register-extension', 'create or update the ExtensionConfig pointing CAPI at the hook server')
    .addOption(
      new Option('--extension-name <name>', 'ExtensionConfig name')
        .default('cskit-addons')
        .argParser((s: string) => parseDnsLabel('--extension-name', s, 63, 'an ExtensionConfig name')),
    )
    .addOption(
      new Option(
        '--namespace-selector <labels>',
        'only Clusters in namespaces with these labels call the hooks (k=v,...; default: every namespace)',
      ).argParser(parseMatchLabels),
    )
    .option('--no-install-crd', 'do not apply the ClusterAddons CRD at start')
    .addOption(durationOption('--cleanup-timeout <duration>', 'BeforeClusterDelete wait for LBs and volumes', '5m'))
    .addOption(durationOption('--resync <duration>', 're-apply period of Clusters in sync (drift repair)', '1m'))
    .action(async (flags: ManagerFlags) => {
      const [{ KubeApi }, { startManager }, { clusterBundles }, { makeServingCert }] = await Promise.all([
        import('../../kube/api'),
        import('../../manager/run'),
        import('../../manager/bundles'),
        import('../../manager/certs'),
      ]);
      const own = [flags.tlsCertFile, flags.tlsKeyFile, flags.tlsCaFile].filter(Boolean).length;
      if (own !== 0 && own !== 3)
        throw new UserError('--tls-cert-file, --tls-key-file and --tls-ca-file go together: give all three or none');
      const advertise = flags.advertiseUrl ?? `https://127.0.0.1:${flags.hookPort}`;
      const host = new URL(advertise).hostname.replace(/^\[|\]$/g, '');
      const tls = own
        ? {
            cert: readPem('--tls-cert-file', flags.tlsCertFile as string),
            key: readPem('--tls-key-file', flags.tlsKeyFile as string),
            ca: readPem('--tls-ca-file', flags.tlsCaFile as string),
          }
        : makeServingCert(fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-manager-tls-')), [host, 'localhost']);
      const log = (l: string) => process.stderr.write(`${new Date().toISOString()} ${l}\n`);
      let api: InstanceType<typeof KubeApi>;
      try {
        api = KubeApi.connect({ kubeconfig: flags.kubeconfig, context: flags.context });
      } catch (e) {
        throw new UserError((e as Error).message, EXIT_ABORT);
      }
      let running;
      try {
        running = await startManager({
          management: api,
          bundles: clusterBundles(api),
          kubeconfigSecret: flags.kubeconfigSecret,
          concurrency: flags.concurrency,
          installCrd: flags.installCrd,
          hooks: { ...tls, host: flags.hookHost, port: flags.hookPort, advertise },
          register: flags.registerExtension
            ? { name: flags.extensionName, namespaceLabels: flags.namespaceSelector }
            : undefined,
          cleanupTimeoutMs: flags.cleanupTimeout,
          resyncMs: flags.resync,
          log,
        });
      } catch (e) {
        api.close();
        throw new UserError(`cannot start the manager: ${(e as Error).message}`, EXIT_ABORT);
      }
      log('manager running; stop with SIGINT/SIGTERM (the ExtensionConfig stays: Clusters wait for the next one)');
      await new Promise<void>((resolve) => {
        const stop = () => {
          log('stopping');
          void running.stop().then(() => {
            api.close();
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  registerManifests(manager);
}

/** `cskit addons status`: one row per Cluster and addon from the ClusterAddons objects. */
export function registerAddonsStatus(addons: Command): void {
  addons
    .command('status')
    .description('per Cluster and addon: version, state, since, last error (from the manager ClusterAddons status)')
    .option('--kubeconfig <file>', 'management cluster kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(
      new Option('-n, --namespace <namespace>', 'only Clusters in this namespace (default: all namespaces)').argParser(
        (s: string) => parseDnsLabel('--namespace', s),
      ),
    )
    .addOption(outputOption(['table', 'json']))
    .action(async (flags: { kubeconfig?: string; context?: string; namespace?: string; output: string }) => {
      const [{ KubeApi }, { CLUSTER_ADDONS }] = await Promise.all([
        import('../../kube/api'),
        import('../../manager/state'),
      ]);
      let api: InstanceType<typeof KubeApi> | undefined;
      let items;
      try {
        api = KubeApi.connect({ kubeconfig: flags.kubeconfig, context: flags.context });
        if (!(await api.resource(CLUSTER_ADDONS.group, CLUSTER_ADDONS.kind)))
          throw new UserError(
            `${api.server} does not serve ClusterAddons (${CLUSTER_ADDONS.group}): no cskit manager has run there`,
            EXIT_ABORT,
          );
        items = await api.list(CLUSTER_ADDONS, { namespace: flags.namespace });
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw new UserError((e as Error).message, EXIT_ABORT);
      } finally {
        api?.close();
      }
      type Row = {
        namespace: string;
        cluster: string;
        ready: string;
        applied?: unknown;
        conditions: unknown[];
        addons: Array<Record<string, string>>;
      };
      const rows: Row[] = items.map((o) => ({
        namespace: String(o.metadata?.namespace),
        cluster: String(o.metadata?.name),
        ready: (o.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready')?.status ?? 'Unknown',
        applied: o.status?.applied,
        conditions: o.status?.conditions ?? [],
        addons: o.status?.addons ?? [],
      }));
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify({ clusters: rows }, null, 2)}\n`);
        return;
      }
      const lines = rows.flatMap((r) =>
        (r.addons.length ? r.addons : [{ name: '-', state: '-' }]).map((a) => [
          `${r.namespace}/${r.cluster}`,
          r.ready,
          a.name,
          a.version ?? '',
          a.state ?? '',
          a.lastTransitionTime ?? '',
          a.lastError ?? '',
        ]),
      );
      process.stdout.write(
        rows.length
          ? table(['CLUSTER', 'READY', 'ADDON', 'VERSION', 'STATE', 'SINCE', 'LAST ERROR'], lines)
          : 'no ClusterAddons found\n',
      );
    });
}

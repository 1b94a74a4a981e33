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
import { EXIT_ABORT, EXIT_FAIL, UserError } from '../errors';

/** Exit code of a leader that lost its Lease (restarted by its Deployment, then a standby). */
const EXIT_LOST_LEASE = EXIT_FAIL;
import { asUsage, countOption, durationOption, outputOption, parseDnsLabel } from '../options';
import { registerManifests } from './manager-manifests';
import { LabelSelector, parseLabelSelector } from '../../util/label-selector';
import { LOG_FORMATS, LogFormat } from '../../manager/log';
import { DEFAULT_LEASE_NAME, timingsProblem } from '../../manager/lease';
import { DEFAULT_METRICS_PORT } from '../../manager/ops-server';

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
  selector?: LabelSelector;
  leaderElect?: boolean;
  leaderElectLeaseName: string;
  leaderElectNamespace?: string;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  metricsBindAddress: { host: string; port: number } | undefined;
  logFormat: LogFormat;
}

/** `host:port` (`:port` = every address), or `0` to turn the endpoint off (controller-runtime's convention). */
function parseBindAddress(flag: string, s: string): { host: string; port: number } | undefined {
  if (s === '0') return undefined;
  const m = /^(.*):(\d+)$/.exec(s);
  const host = m ? m[1].replace(/^\[|\]$/g, '') || '0.0.0.0' : '';
  const port = m ? Number(m[2]) : NaN;
  if (!m || !isIP(host) || port > 65535)
    throw new UserError(
      `${flag}: "${s}" is not host:port with an IP address (e.g. 0.0.0.0:8080, 127.0.0.1:0 for any free port, ` +
        ':8080), or 0 to turn it off',
    );
  return { host, port };
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
    .addOption(
      new Option(
        '--selector <selector>',
        'label selector on Clusters: this manager owns only those (sharding; e.g. shard=a); default: all Clusters',
      ).argParser((s: string) => asUsage(() => parseLabelSelector('--selector', s))),
    )
    .option(
      '--leader-elect',
      'run as one of several replicas: only the holder of a coordination.k8s.io Lease reconciles',
    )
    .addOption(
      new Option('--leader-elect-lease-name <name>', 'name of the Lease')
        .default(DEFAULT_LEASE_NAME)
        .argParser((s: string) => parseDnsLabel('--leader-elect-lease-name', s, 253, 'a Lease name')),
    )
    .addOption(
      new Option(
        '--leader-elect-namespace <namespace>',
        'namespace of the Lease (default: the namespace of the pod, else of the kubeconfig context, else default)',
      ).argParser((s: string) => parseDnsLabel('--leader-elect-namespace', s)),
    )
    .addOption(durationOption('--leader-elect-lease-duration <duration>', 'how long a Lease not renewed holds', '15s'))
    .addOption(durationOption('--leader-elect-renew-deadline <duration>', 'the leader gives up after this', '10s'))
    .addOption(durationOption('--leader-elect-retry-period <duration>', 'between tries to acquire or renew', '2s'))
    .addOption(
      new Option('--metrics-bind-address <host:port>', 'http endpoint of /metrics, /healthz and /readyz; 0: off')
        .default({ host: '0.0.0.0', port: DEFAULT_METRICS_PORT }, `0.0.0.0:${DEFAULT_METRICS_PORT}`)
        .argParser((s: string) => parseBindAddress('--metrics-bind-address', s)),
    )
    .addOption(new Option('--log-format <format>', 'log lines as text or JSON').choices(LOG_FORMATS).default('text'))
    .action(async (flags: ManagerFlags) => {
      const [{ KubeApi }, { startManager }, { clusterBundles }, { makeServingCert }, lease, perms, { createLogger }] =
        await Promise.all([
          import('../../kube/api'),
          import('../../manager/run'),
          import('../../manager/bundles'),
          import('../../manager/certs'),
          import('../../manager/lease'),
          import('../../manager/permissions'),
          import('../../manager/log'),
        ]);
      const timings = {
        leaseDurationMs: flags.leaderElectLeaseDuration,
        renewDeadlineMs: flags.leaderElectRenewDeadline,
        retryPeriodMs: flags.leaderElectRetryPeriod,
      };
      const timing = timingsProblem(timings);
      if (flags.leaderElect && timing)
        throw new UserError(
          `--leader-elect-lease-duration/--leader-elect-renew-deadline/--leader-elect-retry-period: ${timing}`,
        );
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
      const log = createLogger(flags.logFormat);
      const identity = lease.newIdentity();
      const userAgent = `cskit-manager/${identity}`;
      let api: InstanceType<typeof KubeApi>;
      try {
        api = KubeApi.connect({ kubeconfig: flags.kubeconfig, context: flags.context, userAgent });
      } catch (e) {
        throw new UserError((e as Error).message, EXIT_ABORT);
      }
      const leaseNamespace = flags.leaderElect
        ? (flags.leaderElectNamespace ?? api.contextNamespace ?? 'default')
        : undefined;
      let missing;
      try {
        missing = await perms.missingPermissions(
          api,
          perms.startPermissions({
            installCrd: flags.installCrd,
            registerExtension: flags.registerExtension,
            ...(leaseNamespace ? { lease: { namespace: leaseNamespace, name: flags.leaderElectLeaseName } } : {}),
          }),
        );
      } catch (e) {
        api.close();
        throw new UserError(`cannot start the manager: ${(e as Error).message}`, EXIT_ABORT);
      }
      if (missing.length) {
        api.close();
        throw new UserError(
          `cannot start the manager: its identity (${api.transport.describeAuth()}) may not ` +
            `${missing.map(perms.describePermission).join('; ')}; grant these in its (Cluster)Role`,
        );
      }
      let running;
      try {
        running = await startManager({
          management: api,
          bundles: clusterBundles(api),
          kubeconfigSecret: flags.kubeconfigSecret,
          concurrency: flags.concurrency,
          installCrd: flags.installCrd,
          hooks: {
            ...tls,
            host: flags.hookHost,
            port: flags.hookPort,
            advertise,
            // Given files are renewed in place (cert-manager's Secret mounted in the pod): read them again.
            reload: own
              ? () => ({
                  cert: fs.readFileSync(flags.tlsCertFile as string, 'utf8'),
                  key: fs.readFileSync(flags.tlsKeyFile as string, 'utf8'),
                })
              : undefined,
          },
          register: flags.registerExtension
            ? { name: flags.extensionName, namespaceLabels: flags.namespaceSelector }
            : undefined,
          cleanupTimeoutMs: flags.cleanupTimeout,
          resyncMs: flags.resync,
          log,
          selector: flags.selector,
          leaderElection: leaseNamespace
            ? { ...timings, name: flags.leaderElectLeaseName, namespace: leaseNamespace, identity }
            : undefined,
          // As controller-runtime: a leader that lost its Lease exits at once (its Deployment restarts it as a
          // standby); in-flight requests are cut off inside the margin between renew deadline and lease duration.
          onLostLeadership: () => process.exit(EXIT_LOST_LEASE),
          ops: flags.metricsBindAddress,
          userAgent,
        });
      } catch (e) {
        api.close();
        throw new UserError(`cannot start the manager: ${(e as Error).message}`, EXIT_ABORT);
      }
      log.info(
        'manager running; stop with SIGINT/SIGTERM (the ExtensionConfig stays: Clusters wait for the next one)',
        {
          identity,
          selector: flags.selector?.text,
          leaderElection: Boolean(leaseNamespace),
        },
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          log.info('stopping: in-flight reconciles end at their next addon, then the Lease is released');
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
      const [{ KubeApi }, { CLUSTER_ADDONS }, { clusterRows, statusTable }] = await Promise.all([
        import('../../kube/api'),
        import('../../manager/state'),
        import('../../manager/report'),
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
      const rows = clusterRows(items);
      process.stdout.write(
        flags.output === 'json' ? `${JSON.stringify({ clusters: rows }, null, 2)}\n` : statusTable(rows),
      );
    });
}

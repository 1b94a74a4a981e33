/**
 * scs-0210 on a live cluster: the server's /version judged by the version engine at `at`, plus the nodes'
 * kubelet versions as information (skew).
 */

import { VersionData } from '../../k8s-versions/data';
import { evaluateClusterVersion } from '../../k8s-versions/policy';
import { ClusterClient } from '../../kube/types';
import { DEFAULT_VERSIONS } from '../standards';
import { CheckResult, resultOf } from './result';

/** scs-0210 for the cluster behind `client`, judged at `at` with `data`. */
export async function checkVersionPolicy(client: ClusterClient, at: Date, data: VersionData): Promise<CheckResult> {
  const started = Date.now();
  const version = await client.serverVersion();
  const evaluation = evaluateClusterVersion(version, at, data);
  const findings = [...evaluation.findings];
  // "cannot judge it" is no evidence of compliance: the verdict must not read as PASS (a warning is PASS on the line)
  if (findings.some((f) => f.code === 'unknown-version' && f.severity === 'warning'))
    findings.push({
      severity: 'error',
      code: 'not-judged',
      message:
        `${version} could not be judged with the bundled version data, so scs-0210 is not shown to be ` +
        `met; run \`cskit versions update\` and verify again`,
    });
  const nodes = await client.list('v1', 'Node');
  const kubelets = new Map<string, string[]>();
  for (const n of nodes) {
    const v = String(n.status?.nodeInfo?.kubeletVersion ?? 'unknown');
    kubelets.set(v, [...(kubelets.get(v) ?? []), n.metadata!.name!]);
  }
  findings.push({
    severity: 'info',
    code: 'kubelet-versions',
    message: `API server ${version}; kubelets: ${
      [...kubelets].map(([v, ns]) => `${v} (${ns.length} node${ns.length === 1 ? '' : 's'})`).join(', ') || 'no nodes'
    }`,
    evidence: { apiServer: version, kubelets: Object.fromEntries(kubelets) },
  });
  return resultOf('scs-0210', DEFAULT_VERSIONS, findings, started);
}

/**
 * kwok's fake nodes: the supervisor makes `kwok-node-0` in every test cluster; a workload API server that stands in
 * for a Cluster's workload cluster gets one node per Machine (control plane and worker: two), so what a real
 * two-node cluster rolls out rolls out here too (cilium-operator: two replicas, at most one per node).
 * kwok only manages nodes with the annotation below (`--manage-nodes-with-annotation-selector`).
 */
import { connect } from '../src/kube/client';
import type { KObject } from '../src/model/object';

export function fakeNode(name: string, kubeletVersion: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok' },
    },
    spec: {},
    status: { nodeInfo: { kubeletVersion } },
  };
}

const nodeReady = (n: KObject) =>
  (n.status?.conditions ?? []).some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True');

/** Adds fake nodes `kwok-node-1`… up to `count` nodes in all, and waits until kwok reports them Ready. */
export async function ensureFakeNodes(kubeconfig: string, count: number, timeoutMs = 60_000): Promise<void> {
  const client = connect({ kubeconfig });
  const version = await client.serverVersion();
  for (let i = 1; i < count; i++) {
    const name = `kwok-node-${i}`;
    if (!(await client.get('v1', 'Node', name))) await client.create(fakeNode(name, version));
    await client.watchUntil('v1', 'Node', { name, timeoutMs }, (_t, n) => nodeReady(n) || undefined);
  }
}

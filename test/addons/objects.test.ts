import {
  cilium,
  cinderCsi,
  devStorage,
  dockerAddons,
  metricsServer,
  openstackAddons,
  openstackCcm,
} from '../../addons';
import { CLUSTER_SCOPED_KINDS } from '../../src/synth/addons';
import { Part, find, objectsOf, podSpecs, verbs } from './support';

const all = [...openstackAddons, ...dockerAddons];

test('every object has an explicit name; namespaces only on namespaced kinds; no construct-address labels', () => {
  for (const a of all) {
    for (const o of objectsOf(a)) {
      expect(o.metadata.name).toMatch(/^[a-z0-9.:-]+$/);
      expect(Boolean(o.metadata.namespace)).toBe(!CLUSTER_SCOPED_KINDS.has(o.kind));
      expect(JSON.stringify(o)).not.toContain('cdk8s.io/metadata.addr');
    }
  }
});

test('system pods: tokens mounted, no forced pull policy or default limits from cdk8s-plus, explicit selectors', () => {
  for (const a of all) {
    for (const { o, spec } of podSpecs(objectsOf(a))) {
      expect(spec.automountServiceAccountToken).toBe(true);
      expect(spec.serviceAccountName).toBeTruthy();
      expect(spec.priorityClassName).toMatch(/^system-(node|cluster)-critical$/);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(c.imagePullPolicy).toBe('IfNotPresent');
        expect(c.resources?.limits).toBeUndefined();
      }
      expect(o.spec.selector.matchLabels).toEqual({
        'app.kubernetes.io/name': a.name,
        'app.kubernetes.io/component': expect.any(String),
      });
      for (const [k, v] of Object.entries(o.spec.selector.matchLabels))
        expect(o.spec.template.metadata.labels[k]).toBe(v);
    }
  }
});

test('cinder-csi: default StorageClass csi-cinder-sc-delete and csi-cinder-sc-retain, field for field (SCS)', () => {
  const objs = objectsOf(cinderCsi);
  const del = find(objs, 'StorageClass', 'csi-cinder-sc-delete');
  expect(del.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
  expect(del).toMatchObject({
    apiVersion: 'storage.k8s.io/v1',
    provisioner: 'cinder.csi.openstack.org',
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: true,
  });
  expect(del.volumeBindingMode).toBeUndefined();
  expect(del.parameters).toBeUndefined();
  const ret = find(objs, 'StorageClass', 'csi-cinder-sc-retain');
  expect(ret.metadata.annotations).toBeUndefined();
  expect(ret).toMatchObject({
    provisioner: 'cinder.csi.openstack.org',
    reclaimPolicy: 'Retain',
    allowVolumeExpansion: true,
  });
  expect(
    objs.filter(
      (o) =>
        o.kind === 'StorageClass' && o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    ),
  ).toHaveLength(1);
});

test('cinder-csi: driver, sidecars, cloud config wiring and RBAC the sidecars need', () => {
  const objs = objectsOf(cinderCsi);
  expect(find(objs, 'CSIDriver', 'cinder.csi.openstack.org').spec).toMatchObject({
    attachRequired: true,
    podInfoOnMount: true,
  });
  const ctrl = find(objs, 'Deployment', 'openstack-cinder-csi-controllerplugin').spec.template.spec;
  expect(ctrl.containers.map((c: Part) => c.name)).toEqual([
    'csi-attacher',
    'csi-provisioner',
    'csi-snapshotter',
    'csi-resizer',
    'liveness-probe',
    'cinder-csi-plugin',
  ]);
  expect(ctrl.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
  const plugin = ctrl.containers.find((c: Part) => c.name === 'cinder-csi-plugin');
  expect(plugin.args).toContain('--cluster={{cluster.name}}');
  expect(ctrl.volumes).toEqual(
    expect.arrayContaining([
      { name: 'clouds-yaml', secret: { secretName: 'clouds-yaml' } },
      { name: 'cloud-config', secret: { secretName: 'csi-cloud-config' } },
    ]),
  );
  expect(find(objs, 'Secret', 'csi-cloud-config').stringData['cloud.conf']).toContain(
    'clouds-file = /etc/openstack/clouds.yaml',
  );
  const node = find(objs, 'DaemonSet', 'openstack-cinder-csi-nodeplugin').spec.template.spec;
  const nodePlugin = node.containers.find((c: Part) => c.name === 'cinder-csi-plugin');
  expect(nodePlugin.securityContext.privileged).toBe(true);
  expect(nodePlugin.volumeMounts).toContainEqual({
    name: 'kubelet-dir',
    mountPath: '/var/lib/kubelet',
    mountPropagation: 'Bidirectional',
  });
  const role = find(objs, 'ClusterRole', 'csi-cinder-controller');
  expect(verbs(role, '', 'persistentvolumes')).toEqual(expect.arrayContaining(['create', 'delete', 'patch', 'watch']));
  expect(verbs(role, 'storage.k8s.io', 'volumeattachments')).toEqual(expect.arrayContaining(['patch', 'watch']));
  expect(verbs(role, 'storage.k8s.io', 'volumeattachments/status')).toContain('patch');
  expect(verbs(role, '', 'persistentvolumeclaims/status')).toContain('patch');
  expect(verbs(role, 'coordination.k8s.io', 'leases')).toEqual(expect.arrayContaining(['create', 'update']));
  expect(find(objs, 'ClusterRoleBinding', 'csi-cinder-controller').subjects).toEqual([
    { kind: 'ServiceAccount', name: 'csi-cinder-controller', namespace: 'kube-system' },
  ]);
});

test('openstack-ccm: the cluster name, clouds.yaml Secret, uninitialized toleration, RBAC on nodes/services', () => {
  const objs = objectsOf(openstackCcm);
  const spec = find(objs, 'DaemonSet', 'openstack-cloud-controller-manager').spec.template.spec;
  expect(spec.hostNetwork).toBe(true);
  expect(spec.nodeSelector).toBeUndefined();
  expect(spec.tolerations).toContainEqual({
    key: 'node.cloudprovider.kubernetes.io/uninitialized',
    value: 'true',
    effect: 'NoSchedule',
  });
  expect(spec.containers[0].args).toEqual(
    expect.arrayContaining(['--cluster-name={{cluster.name}}', '--cloud-provider=openstack']),
  );
  expect(spec.volumes).toContainEqual({ name: 'clouds-yaml', secret: { secretName: 'clouds-yaml' } });
  const role = find(objs, 'ClusterRole', 'system:cloud-controller-manager');
  expect(verbs(role, '', 'nodes')).toEqual(['*']);
  expect(verbs(role, '', 'services/status')).toContain('patch');
  expect(verbs(role, '', 'nodes/status')).toContain('patch');
});

test('cilium: kubernetes IPAM and SCS settings in the config, privileged-enough agent, operator RBAC for CRDs', () => {
  const objs = objectsOf(cilium);
  const cfg = find(objs, 'ConfigMap', 'cilium-config').data;
  expect(cfg).toMatchObject({ ipam: 'kubernetes', 'enable-session-affinity': 'true', 'enable-sctp': 'true' });
  const agent = find(objs, 'DaemonSet', 'cilium').spec.template.spec;
  expect(agent.hostNetwork).toBe(true);
  expect(agent.tolerations).toEqual([{ operator: 'Exists' }]);
  expect(agent.containers[0].securityContext.capabilities.add).toEqual(
    expect.arrayContaining(['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE']),
  );
  expect(agent.initContainers.map((c: Part) => c.name)).toEqual([
    'config',
    'mount-cgroup',
    'apply-sysctl-overwrites',
    'mount-bpf-fs',
    'clean-cilium-state',
    'install-cni-binaries',
  ]);
  expect(agent.containers[0].securityContext.readOnlyRootFilesystem).toBeUndefined();
  const op = find(objs, 'ClusterRole', 'cilium-operator');
  expect(verbs(op, 'apiextensions.k8s.io', 'customresourcedefinitions')).toEqual(
    expect.arrayContaining(['create', 'update']),
  );
  expect(verbs(find(objs, 'ClusterRole', 'cilium'), 'cilium.io', 'ciliumendpoints')).toEqual(
    expect.arrayContaining(['create', 'delete']),
  );
  // Config and identities come before the workloads that use them.
  const kinds = objs.map((o) => o.kind);
  expect(kinds.indexOf('ConfigMap')).toBeLessThan(kinds.indexOf('DaemonSet'));
  expect(kinds.lastIndexOf('ServiceAccount')).toBeLessThan(kinds.indexOf('Deployment'));
});

test('metrics-server: APIService to its Service, node metrics RBAC, hardened container, insecure kubelet TLS', () => {
  const objs = objectsOf(metricsServer);
  expect(find(objs, 'APIService', 'v1beta1.metrics.k8s.io').spec).toMatchObject({
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
  });
  expect(verbs(find(objs, 'ClusterRole', 'system:metrics-server'), '', 'nodes/metrics')).toEqual(['get']);
  const c = find(objs, 'Deployment', 'metrics-server').spec.template.spec.containers[0];
  expect(c.args).toContain('--kubelet-insecure-tls');
  expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
  expect(objs[objs.length - 1].kind).toBe('APIService');
});

test('docker dev StorageClass is the default and marked not failure-safe', () => {
  const [sc] = objectsOf(devStorage);
  expect(sc.kind).toBe('StorageClass');
  expect(sc.metadata.annotations).toEqual({
    'storageclass.kubernetes.io/is-default-class': 'true',
    'cskit.io/failure-safe': 'false',
  });
});

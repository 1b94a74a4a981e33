import * as fs from 'fs';
import * as path from 'path';
import {
  HOOK_PORT,
  RUN_AS_USER,
  TLS_SECRET,
  managerArgs,
  managerManifests,
  manifestNames,
} from '../../../src/manager/deploy/manifests';
import { DEFAULT_LEASE_NAME } from '../../../src/manager/lease';
import { RULES } from '../../../src/manager/deploy/rbac';
import { KObject } from '../../../src/model/object';

const objects = managerManifests({ version: '9.8.7' });
const one = (kind: string, list: KObject[] = objects) => {
  const found = list.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('cskit manager manifests', () => {
  test('holds exactly the objects an in-cluster manager needs', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata?.name}`).sort()).toEqual(
      [
        'Certificate cskit-manager-ca',
        'Certificate cskit-manager-tls',
        'ClusterRole cskit-manager',
        'ClusterRoleBinding cskit-manager',
        'CustomResourceDefinition addonbundles.addons.cskit.io',
        'CustomResourceDefinition clusteraddons.addons.cskit.io',
        'Deployment cskit-manager',
        'ExtensionConfig cskit-addons',
        'Issuer cskit-manager-ca',
        'Issuer cskit-manager-selfsigned',
        'Namespace cskit-system',
        'PodDisruptionBudget cskit-manager',
        'Role cskit-manager',
        'RoleBinding cskit-manager',
        'Service cskit-manager',
        'ServiceAccount cskit-manager',
      ].sort(),
    );
  });

  test('the ClusterRole and Role grant exactly the rule list (no wildcard), bound to the ServiceAccount', () => {
    type Granted = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
    const granted = (o: KObject) =>
      (o.rules as Granted[]).map(
        (r) => `${r.apiGroups.join()}|${r.resources.join()}|${[...r.verbs].sort().join()}|${r.resourceNames ?? ''}`,
      );
    const want = (scope: string) =>
      RULES.filter((r) => r.scope === scope).map(
        (r) => `${r.apiGroup}|${r.resource}|${[...r.verbs].sort().join()}|${r.resourceNames ?? ''}`,
      );
    expect(granted(one('ClusterRole')).sort()).toEqual(want('cluster').sort());
    expect(granted(one('Role')).sort()).toEqual(want('namespace').sort());
    expect(JSON.stringify([one('ClusterRole').rules, one('Role').rules])).not.toContain('*');
    expect(RULES.find((r) => r.resource === 'secrets')?.verbs).toEqual(['get']);
    for (const b of [one('ClusterRoleBinding'), one('RoleBinding')])
      expect(b.subjects).toEqual([
        expect.objectContaining({ kind: 'ServiceAccount', name: 'cskit-manager', namespace: 'cskit-system' }),
      ]);
    const without = managerManifests({ version: '1', withoutRules: ['secrets'] });
    expect(JSON.stringify(one('ClusterRole', without).rules)).not.toContain('secrets');
    // The Lease: created by anyone's name, read and renewed only by its own.
    expect(one('Role').rules).toEqual(
      expect.arrayContaining([
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: ['cskit-manager'],
          verbs: ['get', 'update'],
        },
      ]),
    );
  });

  test('the Deployment runs the versioned image with --leader-elect, non-root, read-only root filesystem', () => {
    const d = one('Deployment');
    const pod = d.spec.template.spec;
    const [c] = pod.containers;
    expect(c.image).toBe('localhost/cskit:9.8.7');
    expect(c.args).toEqual(managerArgs());
    expect(c.args).toEqual(expect.arrayContaining(['manager', '--leader-elect', '--no-install-crd']));
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(pod.serviceAccountName).toBe('cskit-manager');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'tls', secret: { secretName: TLS_SECRET } },
        { name: 'tmp', emptyDir: {} },
      ]),
    );
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'cskit-manager' });
    expect(d.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/version': '9.8.7' });
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
    expect(one('PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: d.spec.selector });
    const custom = managerManifests({ version: '1', image: 'registry.example/cskit@sha256:' + 'a'.repeat(64) });
    expect(one('Deployment', custom).spec.template.spec.containers[0].image).toMatch(/^registry\.example\/cskit@/);
  });

  test('CAPI reaches the hooks through the Service and trusts the cert-manager certificate it names', () => {
    const ext = one('ExtensionConfig');
    const svc = one('Service');
    expect(ext.metadata?.annotations).toEqual({
      'runtime.cluster.x-k8s.io/inject-ca-from-secret': `cskit-system/${TLS_SECRET}`,
    });
    expect(ext.spec.clientConfig.service).toEqual({ name: svc.metadata?.name, namespace: 'cskit-system', port: 443 });
    expect(svc.spec.ports).toEqual(expect.arrayContaining([{ name: 'hooks', port: 443, targetPort: HOOK_PORT }]));
    const certs = objects.filter((o) => o.kind === 'Certificate');
    const cert = certs.find((c) => c.spec.secretName === TLS_SECRET) as KObject;
    expect(cert.spec.dnsNames).toContain('cskit-manager.cskit-system.svc');
    // Signed by a CA of our own (stable ca.crt across renewals), itself from the self-signed issuer.
    const ca = certs.find((c) => c.spec.isCA === true) as KObject;
    const caIssuer = objects.find((o) => o.kind === 'Issuer' && o.spec.ca) as KObject;
    expect(caIssuer.spec.ca.secretName).toBe(ca.spec.secretName);
    expect(cert.spec.issuerRef).toEqual({ kind: 'Issuer', name: caIssuer.metadata?.name });
    const own = managerManifests({ version: '1', tls: 'secret', namespace: 'ops' });
    expect(own.filter((o) => String(o.apiVersion).startsWith('cert-manager.io/'))).toEqual([]);
    expect(one('ExtensionConfig', own).metadata?.annotations).toEqual({
      'runtime.cluster.x-k8s.io/inject-ca-from-secret': `ops/${TLS_SECRET}`,
    });
  });

  test('shards side by side: only the Namespace and CRDs are shared, each has its own Lease and extension', () => {
    const a = managerManifests({ version: '1', shard: 'a', selector: 'shard=a' });
    const b = managerManifests({ version: '1', shard: 'b', selector: 'shard in (b,c)' });
    const names = (l: KObject[]) =>
      new Set(l.map((o) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`));
    const shared = [...names(a)].filter((k) => names(b).has(k));
    expect(shared.sort()).toEqual([
      'CustomResourceDefinition /addonbundles.addons.cskit.io',
      'CustomResourceDefinition /clusteraddons.addons.cskit.io',
      'Namespace /cskit-system',
    ]);
    // The shared objects are the same in both, so applying both outputs agrees.
    for (const k of shared) {
      const find = (l: KObject[]) =>
        l.find((o) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}` === k);
      expect(find(a)).toEqual(find(b));
    }
    const args = one('Deployment', a).spec.template.spec.containers[0].args as string[];
    expect(args).toEqual(managerArgs({ shard: 'a', selector: 'shard=a' }));
    expect(args.join(' ')).toContain('--leader-elect-lease-name cskit-manager-a --selector shard=a');
    // The Role may renew exactly the Lease the args name; the pods, Service and PDB select only this shard.
    expect(one('Role', a).rules).toContainEqual(
      expect.objectContaining({ resources: ['leases'], resourceNames: ['cskit-manager-a'] }),
    );
    const selected = { 'app.kubernetes.io/name': 'cskit-manager-a' };
    expect(one('Deployment', a).spec.selector.matchLabels).toEqual(selected);
    expect(one('Service', a).spec.selector).toEqual(selected);
    expect(one('PodDisruptionBudget', a).spec.selector.matchLabels).toEqual(selected);
    expect(one('ExtensionConfig', a).metadata?.name).toBe('cskit-addons-a');
    expect(one('ExtensionConfig', a).spec.clientConfig.service.name).toBe('cskit-manager-a');
    const serving = a.find((o) => o.kind === 'Certificate' && o.spec.secretName === 'cskit-manager-a-tls');
    expect(serving?.spec.dnsNames).toContain('cskit-manager-a.cskit-system.svc');
  });

  test('without a shard the names are the defaults the manager itself uses; a shard needs a selector', () => {
    expect(manifestNames()).toEqual({
      base: 'cskit-manager',
      tlsSecret: TLS_SECRET,
      extension: 'cskit-addons',
      lease: DEFAULT_LEASE_NAME,
    });
    expect(managerArgs()).not.toContain('--leader-elect-lease-name');
    expect(() => managerManifests({ version: '1', shard: 'a' })).toThrow(/a shard needs a selector/);
  });

  test('the Dockerfile runs as the numeric user the Deployment asks for, on a Node LTS image', () => {
    const file = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'Dockerfile'), 'utf8');
    expect(file).toMatch(new RegExp(`^USER ${RUN_AS_USER}:${RUN_AS_USER}$`, 'm'));
    // Even Node majors are the LTS lines.
    const major = Number(/^ARG NODE_IMAGE=node:(\d+)-/m.exec(file)?.[1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
  });
});

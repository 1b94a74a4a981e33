import { managerManifests } from '../../../src/manager/deploy/manifests';
import { KObject } from '../../../src/model/object';
import { managerFindings } from '../../../src/verify/static/manager-rules';
import { StackInput } from '../../../src/verify/static/load';

const input = (objects: KObject[], kind?: 'manager'): StackInput => ({
  name: 'cskit-manager',
  kind,
  objects: objects.map((obj, i) => ({ obj, file: 'cskit-manager.yaml', doc: i + 1 })),
});
const fresh = () => managerManifests({ version: '1.0.0' });
const find = (list: KObject[], kind: string) => list.find((o) => o.kind === kind) as KObject;
const rulesOf = (objs: KObject[]) => managerFindings(input(objs, 'manager')).map((f) => `${f.rule} ${f.path}`);

describe('manager/ rules on cskit manager manifests', () => {
  test('the synthesized manifests break none of them', () => {
    expect(managerFindings(input(fresh(), 'manager'))).toEqual([]);
  });

  test('a wildcard verb, secrets beyond get, a writable root filesystem and no CA each name their field', () => {
    const objs = fresh();
    const role = find(objs, 'ClusterRole') as KObject & { rules: Array<{ resources: string[]; verbs: string[] }> };
    role.rules[0].verbs = ['*'];
    const secrets = role.rules.findIndex((r) => r.resources.includes('secrets'));
    role.rules[secrets].verbs = ['get', 'list', 'watch'];
    find(objs, 'Deployment').spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    delete find(objs, 'ExtensionConfig').metadata?.annotations;
    expect(rulesOf(objs).sort()).toEqual(
      [
        'manager/rbac-wildcard rules[0].verbs',
        `manager/secrets-read-only rules[${secrets}].verbs`,
        'manager/pod-security spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
        'manager/extension-ca spec.clientConfig.caBundle',
      ].sort(),
    );
  });

  test('an ExtensionConfig pointing at a Service the manifests lack, or at a port it lacks, is reported', () => {
    const objs = fresh();
    find(objs, 'ExtensionConfig').spec.clientConfig.service.port = 8443;
    expect(rulesOf(objs)).toEqual(['manager/extension-ca spec.clientConfig.service.port']);
    const noSvc = fresh().filter((o) => o.kind !== 'Service');
    expect(rulesOf(noSvc)).toEqual(['manager/extension-ca spec.clientConfig.service']);
  });

  test('objects of a cluster stack are not judged by these rules', () => {
    const objs = fresh();
    (find(objs, 'ClusterRole').rules as Array<{ verbs: string[] }>)[0].verbs = ['*'];
    expect(managerFindings(input(objs))).toEqual([]);
  });
});

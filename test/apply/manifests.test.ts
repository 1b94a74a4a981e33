import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLE_CRD_SOURCE, defaultApplySetName, loadInputs, parseManifests } from '../../src/apply/manifests';
import { buildPlan, crdResources } from '../../src/apply/plan';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-apply-manifests-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

describe('inputs', () => {
  test('a stack folder without addon-bundle.yaml contributes only cluster-class.yaml (no metadata, no addons/)', () => {
    const dir = path.join(tmp, 'openstack-scs-1-36-v1');
    write(
      'openstack-scs-1-36-v1/cluster-class.yaml',
      'apiVersion: cluster.x-k8s.io/v1beta2\nkind: ClusterClass\nmetadata:\n  name: c\n',
    );
    write('openstack-scs-1-36-v1/metadata.yaml', 'apiVersion: metadata.clusterstack.x-k8s.io/v1alpha1\nversions: {}\n');
    write(
      'openstack-scs-1-36-v1/addons/01-cilium.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ cluster.name }}"\n',
    );
    const r = loadInputs([dir]);
    expect(r.stacks).toEqual(['openstack-scs-1-36-v1']);
    expect(r.manifests.map((m) => m.obj.kind)).toEqual(['ClusterClass']);
  });

  test('a stack folder with addon-bundle.yaml also brings the bundle and, once, its CRD; bundles are immutable', () => {
    const stack = (name: string) => {
      write(`${name}/cluster-class.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`);
      write(`${name}/metadata.yaml`, 'apiVersion: metadata.clusterstack.x-k8s.io/v1alpha1\nversions: {}\n');
      write(
        `${name}/addon-bundle.yaml`,
        'apiVersion: addons.cskit.io/v1alpha1\nkind: AddonBundle\n' +
          `metadata:\n  name: ${name}\nspec:\n  class: ${name}\n`,
      );
      return path.join(tmp, name);
    };
    const r = loadInputs([stack('docker-scs-1-36-v9'), stack('docker-scs-1-37-v9')]);
    expect(r.manifests.map((m) => `${m.obj.kind} ${m.obj.metadata?.name} ${path.basename(m.source)}`)).toEqual([
      `CustomResourceDefinition addonbundles.addons.cskit.io ${path.basename(BUNDLE_CRD_SOURCE)}`,
      'ConfigMap docker-scs-1-36-v9 cluster-class.yaml#1',
      'AddonBundle docker-scs-1-36-v9 addon-bundle.yaml#1',
      'ConfigMap docker-scs-1-37-v9 cluster-class.yaml#1',
      'AddonBundle docker-scs-1-37-v9 addon-bundle.yaml#1',
    ]);
    const resources = crdResources(r.manifests);
    resources.set('apiextensions.k8s.io/v1/CustomResourceDefinition', {
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
      plural: 'customresourcedefinitions',
      namespaced: false,
    });
    resources.set('/v1/ConfigMap', {
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespaced: true,
    });
    const plan = buildPlan(r.manifests, resources, { namespace: 'classes', applySetId: 'id' });
    expect(
      plan.objects.filter((o) => o.immutable).map((o) => `${o.gk.kind} ${o.namespace}/${o.name} level ${o.level}`),
    ).toEqual(['AddonBundle classes/docker-scs-1-36-v9 level 2', 'AddonBundle classes/docker-scs-1-37-v9 level 2']);
    expect(plan.objects.find((o) => o.gk.kind === 'CustomResourceDefinition')?.level).toBe(0);
  });

  test('a plain folder contributes each YAML/JSON file in it (sorted), Lists unpacked, empty documents skipped', () => {
    write('plain/b.yaml', '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n');
    write(
      'plain/a.json',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a1' } }],
      }),
    );
    write('plain/notes.txt', 'ignored');
    const r = loadInputs([path.join(tmp, 'plain')]);
    expect(r.manifests.map((m) => [m.obj.metadata!.name, path.basename(m.source)])).toEqual([
      ['a1', 'a.json#1 items[0]'],
      ['b', 'b.yaml#1'],
    ]);
  });

  test('bad input names the file and document and says what to fix', () => {
    expect(() => parseManifests('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n')).toThrow(
      'x.yaml#1: ConfigMap has no metadata.name (generateName is not supported: apply needs stable names)',
    );
    expect(() => parseManifests('x.yaml', 'a: 1\n')).toThrow(
      /^x.yaml#1: invalid apiVersion undefined, expecting GROUP\/VERSION or v1$/,
    );
    expect(() =>
      parseManifests('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nkind: [\n'),
    ).toThrow(/^x.yaml:7:1: /); // the one YAML reader's file:line:column (src/util/yaml.ts)
    // Dates stay strings (as the API server reads them), not Date objects.
    expect(
      parseManifests('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  day: 2026-01-01\n')[0]
        .obj.data,
    ).toEqual({ day: '2026-01-01' });
    expect(() => loadInputs([path.join(tmp, 'missing')])).toThrow(/missing: no such file or directory/);
    fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true });
    expect(() => loadInputs([path.join(tmp, 'empty')])).toThrow(/no \*\.yaml, \*\.yml or \*\.json files/);
  });

  test('default ApplySet: one per stack family, else cskit', () => {
    expect(defaultApplySetName(['openstack-scs-1-36-v1', 'openstack-scs-1-35-v2'], true)).toBe('cskit-openstack-scs');
    expect(defaultApplySetName(['openstack-scs-1-36-v1', 'docker-scs-1-36-v1'], true)).toBe('cskit');
    expect(defaultApplySetName(['openstack-scs-1-36-v1'], false)).toBe('cskit');
  });
});

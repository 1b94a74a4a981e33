import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ClassPatch, ClusterClassConstruct } from '../../src/constructs/cluster-class';
import { KubeadmConfigTemplateV1Beta2 } from '../../src/imports/capi-bootstrap-bootstrap.cluster.x-k8s.io';
import { KubeadmControlPlaneTemplateV1Beta2 } from '../../src/imports/capi-controlplane-controlplane.cluster.x-k8s.io';
import {
  DockerClusterTemplateV1Beta2,
  DockerMachineTemplateV1Beta2,
} from '../../src/imports/capd-infrastructure.cluster.x-k8s.io';
import { LockFile } from '../../src/model/lock';
import { StackContext, StackDefinition } from '../../src/model/stack';
import { StackDefinitionError } from '../../src/synth/build';
import { synthesize, writeStacks } from '../../src/synth/synth';
import { dockerScs } from '../../classes/docker-scs';

/** A minimal valid definition whose parts each test breaks in one place. */
function definition(overrides: { provider?: string; kind?: string; patches?: ClassPatch[] } = {}): StackDefinition {
  return {
    provider: overrides.provider ?? 'test',
    stack: 'scs',
    description: 'test stack',
    nodeImage: () => 'img',
    addons: [],
    buildClass(scope: Construct, ctx: StackContext) {
      const infra = new DockerClusterTemplateV1Beta2(scope, 'c', {
        metadata: { name: `${ctx.name}-cluster` },
        spec: { template: { spec: {} } },
      });
      const kcp = new KubeadmControlPlaneTemplateV1Beta2(scope, 'cp', {
        metadata: { name: `${ctx.name}-control-plane` },
        spec: { template: { spec: {} } },
      });
      const m = new DockerMachineTemplateV1Beta2(scope, 'm', {
        metadata: { name: `${ctx.name}-default-worker` },
        spec: { template: { spec: {} } },
      });
      const b = new KubeadmConfigTemplateV1Beta2(scope, 'b', {
        metadata: { name: `${ctx.name}-default-worker` },
        spec: { template: { spec: {} } },
      });
      const cc = new ClusterClassConstruct(scope, 'cc', {
        name: ctx.name,
        infrastructure: infra,
        controlPlane: kcp,
        workers: [{ class: 'default-worker', bootstrap: b, infrastructure: m }],
        variables: [{ name: 'flavor', schema: { type: 'string', default: 'x' } }],
        patches: overrides.patches ?? [],
      });
      if (overrides.kind)
        cc.apiObject.addJsonPatch(JsonPatch.replace('/spec/infrastructure/templateRef/kind', overrides.kind));
    },
  };
}
const lockFor = (...ids: string[]): LockFile => ({
  lockVersion: 1,
  stacks: Object.fromEntries(
    ids.map((id) => [id, { '1.36': { kubernetesVersion: '1.36.4', version: 'v1', hash: `sha256:${'0'.repeat(64)}` } }]),
  ),
});
const synthOf =
  (defs: StackDefinition[], ...ids: string[]) =>
  () =>
    synthesize(lockFor(...ids), defs, { checkLock: false });
const patch = (path: string, variable = 'flavor'): ClassPatch => ({
  name: 'p',
  definitions: [{ target: { workerMachine: ['default-worker'] }, ops: [{ op: 'add', path, variable }] }],
});

test('a valid definition synthesizes', () => {
  expect(
    synthOf([definition({ patches: [patch('/spec/template/spec/customImage')] })], 'test-scs')().stacks,
  ).toHaveLength(1);
});

test('unknown variable in a patch names stack, object and field', () => {
  const run = synthOf([definition({ patches: [patch('/spec/template/spec/customImage', 'flavour')] })], 'test-scs');
  expect(run).toThrow(StackDefinitionError);
  expect(run).toThrow(
    new RegExp(
      /test-scs 1\.36 \(test-scs-1-36-v1\):\n {2}ClusterClass test-scs-1-36-v1: /.source +
        /spec\.patches\[0\]\.definitions\[0\]\.jsonPatches\[0\]\.valueFrom\.variable: unknown variable "flavour"/
          .source,
    ),
  );
});

test('without addons (addons: false) the class rules still run and fail the build', () => {
  const def = definition({ patches: [patch('/spec/template/spec/customImage', 'flavour')] });
  const run = () => synthesize(lockFor('test-scs'), [def], { addons: false });
  expect(run).toThrow(StackDefinitionError);
  expect(run).toThrow(/valueFrom\.variable: unknown variable "flavour"/);
});

test('unknown variable inside a template or enabledIf is found too', () => {
  const p: ClassPatch = {
    name: 'p',
    enabledIf: '{{ if .missing }}true{{ end }}',
    definitions: [
      {
        target: { workerMachine: ['default-worker'] },
        ops: [
          {
            op: 'add',
            path: '/spec/template/spec/customImage',
            template: '{{ .flavor }}-{{ .builtin.machineDeployment.version }}-{{ .nope }}',
          },
        ],
      },
    ],
  };
  const run = synthOf([definition({ patches: [p] })], 'test-scs');
  expect(run).toThrow(/spec\.patches\[0\]\.enabledIf: unknown variable "missing"/);
  expect(run).toThrow(/valueFrom\.template: unknown variable "nope"/);
});

test('template kind without the Template suffix', () => {
  expect(synthOf([definition({ kind: 'DockerCluster' })], 'test-scs')).toThrow(
    /spec\.infrastructure\.templateRef\.kind: "DockerCluster" does not end in "Template"/,
  );
});

test('patch path not under /spec', () => {
  expect(synthOf([definition({ patches: [patch('/metadata/labels/x')] })], 'test-scs')).toThrow(
    /jsonPatches\[0\]\.path: "\/metadata\/labels\/x" is not under \/spec/,
  );
});

test('duplicate class names across definitions', () => {
  expect(synthOf([definition(), { ...definition(), description: 'copy' }], 'test-scs')).toThrow(
    /duplicate ClusterClass name "test-scs-1-36-v1" from classes\/test-scs and classes\/test-scs/,
  );
});

test('a provider name with a dash is rejected with the reason', () => {
  expect(synthOf([definition({ provider: 'open-stack' })], 'open-stack-scs')).toThrow(
    /invalid provider name "open-stack".*no dashes/,
  );
});

test('a lock entry for an unknown stack is an error naming the fix', () => {
  expect(synthOf([dockerScs], 'docker-scs', 'nosuch-scs')).toThrow(/stacks\.lock\.json: unknown stack\(s\) nosuch-scs/);
});

test('a failed synth leaves the previous dist/ untouched', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-atomic-'));
  const out = path.join(dir, 'dist');
  writeStacks(synthOf([definition()], 'test-scs')().stacks, out);
  const before = fs.readFileSync(path.join(out, 'test-scs-1-36-v1', 'cluster-class.yaml'), 'utf8');
  expect(() => writeStacks(synthOf([definition({ kind: 'Bad' })], 'test-scs')().stacks, out)).toThrow();
  expect(fs.readFileSync(path.join(out, 'test-scs-1-36-v1', 'cluster-class.yaml'), 'utf8')).toBe(before);
  expect(fs.readdirSync(dir)).toEqual(['dist']);
});

test('patch targeting a worker class the class lacks fails while building', () => {
  const p: ClassPatch = {
    name: 'p',
    definitions: [
      { target: { workerMachine: ['gpu'] }, ops: [{ op: 'add', path: '/spec/template/spec/x', value: 1 }] },
    ],
  };
  expect(synthOf([definition({ patches: [p] })], 'test-scs')).toThrow(
    /building the class failed: .*worker classes \[gpu\]/,
  );
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundledVersionData } from '../../../src/k8s-versions/data';
import { parseLock } from '../../../src/model/lock';
import { synthesize, writeStacks } from '../../../src/synth/synth';
import { StackInput, loadStacks } from '../../../src/verify/static/load';
import { verifyStacks } from '../../../src/verify/static/run';
import { staticScs } from '../../../src/verify/static/report';
import { STATIC_RULES } from '../../../src/verify/static/catalog';
import { standardResults } from '../../../src/verify/static/verdict';
import { DEFAULT_VERSIONS, standardVersions } from '../../../src/verify/standards';
import { definitions } from '../../../classes';

// Our own synthesized stacks, loaded from disk as a user's `cskit verify dist/` would.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-verify-'));
writeStacks(
  synthesize(parseLock(fs.readFileSync(path.join(__dirname, '../../../stacks.lock.json'), 'utf8')), definitions).stacks,
  path.join(dir, 'dist'),
);
const opts = { at: new Date('2026-11-29'), data: bundledVersionData() };
// All OpenStack stacks (so scs-0210 sees every supported branch); defects go into the 1.36 one, listed last.
const load = () => loadStacks([path.join(dir, 'dist')]).filter((s) => s.name.startsWith('openstack-scs'));
const errors = (stacks: StackInput[]) =>
  verifyStacks(stacks, opts)
    .filter((f) => f.severity === 'error')
    .map((f) => f.rule);
const find = (s: StackInput, kind: string, name?: string) =>
  s.objects.find((o) => o.obj.kind === kind && (!name || o.obj.metadata?.name === name))!.obj;

test('the shipped OpenStack stacks pass every offline rule', () => {
  const all = loadStacks([path.join(dir, 'dist')]);
  expect(all.map((s) => s.name)).toContain('openstack-scs-1-36-v3');
  expect(
    verifyStacks(
      all.filter((s) => s.name.startsWith('openstack')),
      opts,
    ).filter((f) => f.severity === 'error'),
  ).toEqual([]);
});

test('the docker stacks are development stacks: no error, a scs-0211 warning each, and the v1 scs line fails', () => {
  const docker = loadStacks([path.join(dir, 'dist')]).filter((s) => s.name.startsWith('docker'));
  expect(docker.map((s) => s.name.replace(/-v\d+$/, '')).sort()).toEqual([
    'docker-scs-1-35',
    'docker-scs-1-36',
    'docker-scs-1-37',
  ]);
  expect(errors(docker)).toEqual([]);
  const findings = verifyStacks(docker, opts);
  expect(
    findings
      .filter((f) => f.severity === 'warning')
      .map((f) => `${f.stack} ${f.rule}`)
      .sort(),
  ).toEqual([
    // True at 2026-11-29: the bundled CVE data is of 2026-08-21 (the release data is current).
    '(all stacks) scs-0210/data-stale',
    ...docker.map((s) => `${s.name} scs-0211/development-stack`).sort(),
  ]);
  const names = docker.map((s) => s.name);
  expect(staticScs(standardResults(findings, names, STATIC_RULES, DEFAULT_VERSIONS))).toMatch(
    /^default-storage-class-check: FAIL \(scs-0211-v1: scs-0211\/development-stack\)$/m,
  );
  // the v2 draft only recommends network-backed volumes: a node-local default is a warning there, and the line passes
  const v2 = standardVersions({ 'scs-0211': 'v2' })!;
  const draft = verifyStacks(docker, { ...opts, standards: v2 });
  expect([
    ...new Set(
      draft
        .filter((f) => f.rule.startsWith('scs-0211/') && f.severity !== 'info')
        .map((f) => `${f.severity} ${f.rule}`),
    ),
  ]).toEqual(['warning scs-0211/node-local']);
  expect(staticScs(standardResults(draft, names, STATIC_RULES, v2))).toMatch(
    /^default-storage-class-check: PASS \(scs-0211-v2\)$/m,
  );
  // The same storage without the declaration is an error: the annotation only says it openly, it does not excuse.
  for (const s of docker)
    for (const o of s.objects)
      if (o.obj.kind === 'StorageClass') delete o.obj.metadata!.annotations!['cskit.io/failure-safe'];
  expect([...new Set(errors(docker))]).toEqual(['scs-0211/node-local']);
});

// One defect each → exactly its rule.
const defects: Array<[string, (s: StackInput) => void]> = [
  [
    'capi/template-ref-kind',
    (s) => {
      // a consistent stack whose infrastructure template kind lacks the suffix: object, reference and selectors agree
      find(s, 'OpenStackClusterTemplate').kind = 'OpenStackClusterTmpl';
      const cc = find(s, 'ClusterClass');
      cc.spec.infrastructure.templateRef.kind = 'OpenStackClusterTmpl';
      for (const p of cc.spec.patches)
        for (const d of p.definitions)
          if (d.selector.kind === 'OpenStackClusterTemplate') d.selector.kind = 'OpenStackClusterTmpl';
    },
  ],
  [
    'capi/template-ref-resolves',
    (s) => {
      find(s, 'ClusterClass').spec.controlPlane.templateRef.name = 'missing';
    },
  ],
  [
    'capi/md-class-unique',
    (s) => {
      const md = find(s, 'ClusterClass').spec.workers.machineDeployments;
      md.push({ ...md[0] });
    },
  ],
  [
    'capi/variable-name',
    (s) => {
      const v = find(s, 'ClusterClass').spec.variables;
      v.push({ ...v[0], name: 'builtin' });
    },
  ],
  [
    'capi/patch-name-unique',
    (s) => {
      const p = find(s, 'ClusterClass').spec.patches;
      p[1].name = p[0].name;
    },
  ],
  [
    'capi/patch-path',
    (s) => {
      find(s, 'ClusterClass').spec.patches[0].definitions[0].jsonPatches[0].path = '/metadata/labels/x';
    },
  ],
  [
    'capi/patch-variable',
    (s) => {
      find(s, 'ClusterClass').spec.patches.find(
        (p: { name?: string }) => p.name === 'workerFlavor',
      ).definitions[0].jsonPatches[0].valueFrom.variable = 'workerFlavour';
    },
  ],
  [
    'capi/patch-selector',
    (s) => {
      find(s, 'ClusterClass').spec.patches[0].definitions[0].selector.kind = 'DockerClusterTemplate';
    },
  ],
  [
    'capi/empty-optional',
    (s) => {
      find(s, 'ClusterClass').spec.availabilityGates = [];
    },
  ],
  [
    'scs-0211/default-count',
    (s) => {
      find(s, 'StorageClass', 'csi-cinder-sc-retain').metadata!.annotations = {
        'storageclass.kubernetes.io/is-default-class': 'true',
      };
    },
  ],
  [
    'scs-0211/annotation-value',
    (s) => {
      find(s, 'StorageClass', 'csi-cinder-sc-delete').metadata!.annotations![
        'storageclass.kubernetes.io/is-default-class'
      ] = 'True';
    },
  ],
  [
    'scs-0211/node-local',
    (s) => {
      find(s, 'StorageClass', 'csi-cinder-sc-delete').provisioner = 'rancher.io/local-path';
    },
  ],
  [
    'scs-0211/csidriver-missing',
    (s) => {
      s.objects.splice(
        s.objects.findIndex((o) => o.obj.kind === 'CSIDriver'),
        1,
      );
    },
  ],
];

test.each(defects)('a stack with one defect yields exactly %s', (rule, breakIt) => {
  const stacks = load();
  breakIt(stacks[stacks.length - 1]);
  const got = errors(stacks);
  // the annotation defect also leaves no valid default: both rules speak, and both name the cause
  if (rule === 'scs-0211/annotation-value')
    expect(got).toEqual(['scs-0211/annotation-value', 'scs-0211/default-count']);
  else expect(got).toEqual([rule]);
});

test('scs-0210 on the set of stacks: a missing supported branch and an outdated patch', () => {
  const stacks = load();
  stacks.find((s) => s.name.includes('-1-36-'))!.metadata!.versions!.kubernetes = 'v1.36.2';
  stacks.splice(0, 1); // drop 1.35
  expect(errors(stacks)).toEqual(expect.arrayContaining(['scs-0210/patch-outdated', 'scs-0210/branch-missing']));
});

test('bad input is a clear error naming the file', () => {
  const bad = path.join(dir, 'bad.yaml');
  fs.writeFileSync(bad, 'kind: [unclosed\n');
  expect(() => loadStacks([bad])).toThrow(/bad\.yaml:2:1: /);
  expect(() => loadStacks([path.join(dir, 'nope')])).toThrow(/nope: no such file or directory/);
});

// Every flag value is checked while the command line is read, before any work: a bad one is a usage error (exit 2)
// naming the flag, never a verdict (an scs-0211 FAIL), an ABORT from the server or a leaked JavaScript message.
// The kubeconfig named here does not exist: reaching it would be exit 3 with a kubeconfig message instead.

import { Command } from 'commander';
import { fullProgram } from '../support/program';
import { parseImageReference } from '../../src/cli/image-reference';
import { parseLabelSelector } from '../../src/cli/label-selector';
import { runCli } from '../support/cli';

const noCluster = ['--kubeconfig', '/nonexistent/kubeconfig'];

test.each([
  ['Bad_Prefix', 'upper case and _'],
  ['-probe', 'a leading -'],
  ['probe-', 'a trailing -'],
  ['', 'empty'],
  ['a'.repeat(57), 'too long for <prefix>-<6 hex> to be a namespace name'],
  ['cskit.probe', 'a dot'],
])('verify cluster --namespace-prefix %j (%s) is a usage error, not an scs-0211 FAIL', async (bad) => {
  const r = await runCli(['verify', 'cluster', ...noCluster, '--namespace-prefix', bad]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    `cskit: --namespace-prefix: invalid value "${bad}": a namespace prefix is at most 56 characters of lower-case ` +
      "letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label), e.g. cskit-probe\n",
  );
  expect(r.stdout).toBe('');
});

test('verify cluster --namespace-prefix of 56 characters (the longest) is accepted', () => {
  const cluster = fullProgram()
    .commands.find((c) => c.name() === 'verify')!
    .commands.find((c) => c.name() === 'cluster')!;
  const option = cluster.options.find((o) => o.long === '--namespace-prefix')!;
  expect(option.parseArg!('a'.repeat(56), undefined)).toBe('a'.repeat(56));
  expect(option.defaultValue).toBe('cskit-probe');
});

test.each(['Team_A', 'a'.repeat(64), '', 'team.a'])('apply --namespace %j is a usage error', async (bad) => {
  const r = await runCli(['apply', '/nonexistent/stack', '--namespace', bad]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^cskit: --namespace: invalid value "${bad}": a namespace name is at most 63`));
});

test.each(['Bad_Name', 'a..b', '-a', 'a'.repeat(254)])('apply --applyset %j is a usage error', async (bad) => {
  const r = await runCli(['apply', '/nonexistent/stack', '--applyset', bad]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`cskit: --applyset: "${bad}" is not a valid Secret name`);
});

test.each([
  ['verify', 'cluster', ...noCluster, '--concurrency', '0'],
  ['verify', 'cluster', ...noCluster, '--concurrency', '1e1'],
  ['apply', '/nonexistent/stack', '--concurrency', '65'],
  ['apply', '/nonexistent/stack', '--concurrency', ''],
])('%j: a count outside 1..64 is a usage error', async (...args) => {
  const r = await runCli(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^cskit: --concurrency: invalid value ".*", expecting a whole number from 1 to 64\n$/);
});

describe('label selectors (verify cluster --selector)', () => {
  test.each([
    'app=web',
    'app==web',
    'tier!=db',
    'env in (a,b)',
    'env notin (c)',
    'env in (a, b), tier!=db',
    'gpu',
    '!gpu',
    'example.com/role=worker',
    'app=',
    'replicas>2',
    'app.kubernetes.io/name=cilium,!cskit.io/probe',
  ])('%j is accepted', (s) => {
    expect(parseLabelSelector('--selector', s)).toBe(s);
  });

  test.each([
    ['', 'it is empty'],
    ['app=web,', 'an empty requirement'],
    ['app=web,,tier=db', 'an empty requirement'],
    ['env in ()', '"in" needs at least one value'],
    ['env in (a', 'is not a requirement'],
    ['app=we b', 'is not a requirement'],
    ['app=-web', 'value "-web" is not a label value'],
    ['App_=web', 'key "App_" is not a label key'],
    ['Example.com/role=x', 'key prefix "Example.com" is not a DNS subdomain'],
    [`${'a'.repeat(64)}=x`, 'is not a label key'],
    [`a=${'b'.repeat(64)}`, 'is not a label value'],
    ['replicas>two', '">" needs a whole number'],
    ['app=web=x', 'is not a requirement'],
  ])('%j is rejected: %s', (s, why) => {
    expect(() => parseLabelSelector('--selector', s)).toThrow(why);
  });

  test('a bad selector stops verify cluster before any cluster is contacted', async () => {
    const r = await runCli([
      'verify',
      'cluster',
      '--management-kubeconfig',
      '/nonexistent/kubeconfig',
      '--selector',
      'env in (a',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cskit: --selector: invalid label selector "env in \(a": /);
  });
});

describe('image references (verify cluster --image)', () => {
  test.each([
    'registry.k8s.io/pause:3.10',
    'pause',
    'busybox:1.37',
    'localhost:5000/team/probe:v1',
    'ghcr.io/org/sub/image:latest',
    `registry.k8s.io/pause@sha256:${'a'.repeat(64)}`,
    `registry.k8s.io/pause:3.10@sha256:${'0'.repeat(64)}`,
    '[::1]:5000/probe:v1',
  ])('%j is accepted', (s) => {
    expect(parseImageReference('--image', s)).toBe(s);
  });

  test.each([
    '',
    'Registry.k8s.io/Pause:3.10', // upper case in the path
    'registry.k8s.io/pause:',
    'registry.k8s.io/pause:3.10 ',
    'registry.k8s.io//pause',
    'pause:-1',
    'pause@sha256:xyz',
    `pause:${'a'.repeat(129)}`,
    'a/b:c:d',
  ])('%j is a usage error', (s) => {
    expect(() => parseImageReference('--image', s)).toThrow(/^--image: invalid image reference ".*", expecting /);
  });

  test('a bad --image stops verify cluster before any cluster is contacted', async () => {
    const r = await runCli(['verify', 'cluster', ...noCluster, '--image', 'Pause:3.10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cskit: --image: invalid image reference "Pause:3\.10"/);
  });
});

describe('verify cluster: flags of another mode are usage errors, not silently ignored', () => {
  test.each([
    [['--kubeconfig', '/nonexistent/k', '--selector', 'env=prod'], '--selector applies to fleet mode only'],
    [['--kubeconfig', '/nonexistent/k', '--concurrency', '2'], '--concurrency applies to fleet mode only'],
    [['--management-kubeconfig', '/nonexistent/k', '--cleanup'], '--cleanup and --management-kubeconfig cannot'],
    [['--management-kubeconfig', '/nonexistent/k', '--kubeconfig', '/x'], '--kubeconfig and --management-kubeconfig'],
  ])('%j', async (args, msg) => {
    const r = await runCli(['verify', 'cluster', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^cskit: ${msg.replace(/[-]/g, '\\-')}`));
  });
});

test.each([[['addons', 'list']], [['addons', 'render', '--cluster', '/nonexistent/c.yaml']]])(
  '%j <stack> takes a stack name, not a path: a usage error before any file is read',
  async (cmd) => {
    for (const bad of [
      '../dist',
      '',
      'dist/openstack-scs-1-36-v1',
      'openstack-scs-1-36-v1/',
      'openstack-scs-1.36-v1',
    ]) {
      const r = await runCli([...cmd, bad, '--dist', '/nonexistent/dist']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `cskit: <stack>: invalid stack name "${bad}", expecting <provider>-<stack>-<major>-<minor>-v<N> such as ` +
          'openstack-scs-1-36-v1 (the folder name under --dist, not a path)\n',
      );
    }
  },
);

test('every flag that takes a value is checked when the command line is read (parser or choices)', () => {
  // Paths are checked by the reader or writer that opens them (src/util/yaml, the input readers); --rules against the
  // rule catalog (src/verify); --context against the kubeconfig (src/kube). Every other value has a parser here.
  const elsewhere = new Set(['--rules', '--context']);
  const unchecked: string[] = [];
  const walk = (c: Command, p: string[]) => {
    for (const o of c.options) {
      if (!o.required && !o.optional) continue; // a switch
      if (o.parseArg || o.argChoices || /<(file|dir)>/.test(o.flags) || elsewhere.has(o.long!)) continue;
      unchecked.push(`${p.join(' ')} ${o.flags}`);
    }
    c.commands.forEach((s) => walk(s, [...p, s.name()]));
  };
  walk(fullProgram(), []);
  expect(unchecked).toEqual([]);
});

import { maskSecrets, normalize, sameContent, toYaml, unifiedDiff } from '../../src/apply/diff';

describe('diff', () => {
  test('a unified diff with 3 lines of context and separate hunks for distant changes', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const b = a.replace('line 2\n', 'line two\n').replace('line 18\n', '');
    expect(unifiedDiff(a, b, 'live', 'new')).toBe(
      [
        '--- live',
        '+++ new',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -15,6 +15,5 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff(a, a, 'x', 'y')).toBe('');
    expect(unifiedDiff('', 'a\nb\n', '/dev/null', 'new')).toBe('--- /dev/null\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });

  test('server-maintained fields and status are ignored', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'a',
        uid: 'u',
        resourceVersion: '5',
        generation: 2,
        creationTimestamp: 't',
        managedFields: [{}],
      },
      data: { k: 'v' },
      status: { x: 1 },
    };
    expect(normalize(live)).toEqual({ apiVersion: 'v1', data: { k: 'v' }, kind: 'ConfigMap', metadata: { name: 'a' } });
    expect(sameContent(live, { kind: 'ConfigMap', apiVersion: 'v1', data: { k: 'v' }, metadata: { name: 'a' } })).toBe(
      true,
    );
    expect(sameContent(live, { kind: 'ConfigMap', apiVersion: 'v1', data: { k: 'w' }, metadata: { name: 'a' } })).toBe(
      false,
    );
  });
});

test('Secret values are masked in diffs: changed ones as before/after, never the value', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: 'c2VjcmV0MQ==', b: 'c2FtZQ==' },
  };
  const next = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: 'c2VjcmV0Mg==', b: 'c2FtZQ==', c: 'bmV3' },
  };
  const [l, n] = maskSecrets(live, next);
  const d = unifiedDiff(toYaml(l), toYaml(n), 'live', 'new');
  expect(d).toContain('-  a: "*** (before)"\n+  a: "*** (after)"\n');
  expect(d).toContain('+  c: "***"');
  expect(d).not.toMatch(/c2VjcmV0|c2FtZQ|bmV3/);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'visible' } };
  expect(maskSecrets(cm, cm)).toEqual([cm, cm]);
});

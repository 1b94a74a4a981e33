import { conflictManagers, describeFailure } from '../../src/apply/errors';
import { formatTable, summary } from '../../src/apply/report';
import { ApplyReport } from '../../src/apply/run';
import { ApiStatusError } from '../../src/kube/apply-types';

describe('failure messages', () => {
  test('a 409 names every conflicting field manager and the fields', () => {
    const e = new ApiStatusError(
      'conflict',
      'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using v1: .data.a; conflicts with "helm" ' +
        'using v1: .data.b',
      409,
      'Conflict',
      [
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.a' },
        { reason: 'FieldManagerConflict', message: 'conflict with "helm" using v1', field: '.data.b' },
      ],
    );
    expect(conflictManagers(e)).toEqual(['kubectl-edit', 'helm']);
    expect(describeFailure(e)).toBe(
      'conflict: fields .data.a, .data.b are owned by field manager "kubectl-edit", "helm"; re-run with ' +
        '--force-conflicts to take them over (the other tool may set them back), or leave these fields out of ' +
        'the input',
    );
  });

  test('a 422 lists the server field errors', () => {
    const e = new ApiStatusError('invalid', 'ClusterClass.cluster.x-k8s.io "c" is invalid', 422, 'Invalid', [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.variables[0].name',
        message: 'Invalid value: "builtin": must not be builtin',
      },
    ]);
    expect(describeFailure(e)).toBe(
      'rejected by the server (HTTP 422 Invalid), fix these fields:\n    spec.variables[0].name: Invalid value: ' +
        '"builtin": must not be builtin',
    );
    const plain = new ApiStatusError(
      'invalid',
      'applying ConfigMap a: strict decoding error: unknown field "spec"',
      400,
      'BadRequest',
    );
    expect(describeFailure(plain)).toBe(
      'rejected by the server (HTTP 400 BadRequest): applying ConfigMap a: strict decoding error: unknown field "spec"',
    );
  });
});

describe('report', () => {
  const base: ApplyReport = {
    applySet: { name: 's', namespace: 'default', id: 'applyset-x-v1' },
    dryRun: false,
    classes: [],
    warnings: [],
    ok: true,
    changed: 0,
    counts: { created: 0, configured: 0, unchanged: 2, pruned: 0, kept: 0, failed: 0, skipped: 0 },
    objects: [
      { key: 'ConfigMap default/a', kind: 'ConfigMap', name: 'a', namespace: 'default', action: 'unchanged' },
      { key: 'ConfigMap default/b', kind: 'ConfigMap', name: 'b', namespace: 'default', action: 'unchanged' },
    ],
  };
  test('the summary says 0 changed for an apply that changed nothing, and a dry run says nothing was changed', () => {
    expect(summary(base)).toBe('ApplySet default/s: 2 objects, 0 changed (0 created, 0 configured), 2 unchanged\n');
    expect(summary({ ...base, dryRun: true, counts: { ...base.counts, created: 1, unchanged: 1 } })).toBe(
      'server dry run, nothing was changed: 2 objects, 1 would change (1 created, 0 configured), 1 unchanged\n',
    );
  });
  test('failures are listed under the table with their source', () => {
    const out = formatTable({
      ...base,
      ok: false,
      counts: { ...base.counts, unchanged: 1, failed: 1 },
      objects: [base.objects[0], { ...base.objects[1], action: 'failed', source: 'x.yaml#2', message: 'conflict: …' }],
    });
    expect(out).toContain('ConfigMap  default    b     failed     see below');
    expect(out).toContain('errors:\n  ConfigMap default/b (x.yaml#2): conflict: …\n');
    expect(out).toMatch(/1 failed\n$/);
  });
});

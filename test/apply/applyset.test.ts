import { applySetId, gkString, parentObject, parseGk, readParent } from '../../src/apply/applyset';

describe('ApplySet (KEP-3659)', () => {
  test('the id is applyset-<unpadded base64url(sha256(name.namespace.kind.group))>-v1, as kubectl computes it', () => {
    // Vectors from `printf 'NAME.NS.KIND.GROUP' | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='`.
    expect(applySetId('cskit-openstack-scs', 'default')).toBe(
      'applyset-XXHmguacU2Ig2E4nbfIjz2jzFXhKtPoM0QsZS9EP-f8-v1',
    );
    expect(applySetId('stacks', 'capi-system', 'ConfigMap', '')).toBe(
      'applyset-UooKFjaJsYJbAtAazghtV-G29Y7pSd7rQyhmGvB2um4-v1',
    );
  });

  test('group kinds are written and read as kubectl does (Kind.group, Kind for the core group)', () => {
    expect(gkString({ group: 'cluster.x-k8s.io', kind: 'ClusterClass' })).toBe('ClusterClass.cluster.x-k8s.io');
    expect(gkString({ group: '', kind: 'ConfigMap' })).toBe('ConfigMap');
    expect(parseGk('OpenStackMachineTemplate.infrastructure.cluster.x-k8s.io')).toEqual({
      kind: 'OpenStackMachineTemplate',
      group: 'infrastructure.cluster.x-k8s.io',
    });
    expect(parseGk('Secret')).toEqual({ kind: 'Secret', group: '' });
  });

  test('the parent carries the id label, tooling, sorted kinds and the other namespaces', () => {
    const p = parentObject(
      { name: 's', namespace: 'ns' },
      'cskit/1.2.3',
      [
        { group: 'cluster.x-k8s.io', kind: 'ClusterClass' },
        { group: '', kind: 'ConfigMap' },
        { group: '', kind: 'ConfigMap' },
      ],
      ['ns', 'b', 'a'],
    );
    expect(p.metadata).toEqual({
      name: 's',
      namespace: 'ns',
      labels: { 'applyset.kubernetes.io/id': applySetId('s', 'ns') },
      annotations: {
        'applyset.kubernetes.io/tooling': 'cskit/1.2.3',
        'applyset.kubernetes.io/contains-group-kinds': 'ClusterClass.cluster.x-k8s.io,ConfigMap',
        'applyset.kubernetes.io/additional-namespaces': 'a,b',
      },
    });
  });

  test('reading a live parent: ours is parsed; another tool, a missing tooling or a foreign id is refused', () => {
    const ref = { name: 's', namespace: 'ns' };
    expect(readParent(ref, undefined)).toEqual({ exists: false, groupKinds: [], namespaces: ['ns'] });
    const ours = parentObject(ref, 'cskit/0.0.1', [{ group: '', kind: 'ConfigMap' }], ['x']);
    expect(readParent(ref, ours)).toMatchObject({
      exists: true,
      groupKinds: [{ group: '', kind: 'ConfigMap' }],
      namespaces: ['ns', 'x'],
    });
    const kubectl = parentObject(ref, 'kubectl/v1.36.4', [], []);
    expect(() => readParent(ref, kubectl)).toThrow(
      'ApplySet parent Secret ns/s is managed by kubectl/v1.36.4, not by cskit',
    );
    expect(() => readParent(ref, { metadata: { name: 's' } })).toThrow(
      /has no applyset.kubernetes.io\/tooling annotation.*--applyset NAME/,
    );
    const copied = parentObject({ name: 'other', namespace: 'ns' }, 'cskit/0.0.1', [], []);
    expect(() => readParent(ref, copied)).toThrow(/but its name and namespace give applyset-/);
  });
});

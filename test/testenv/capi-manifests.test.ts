import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kustomizedCrds, webhookConfigs, withConversion } from '../../testenv/capi-manifests';

// Small kustomize layouts of our own, shaped like the upstream config/crd and config/webhook folders.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-capi-manifests-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
const crd = (name: string) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\n` +
  `  labels:\n    own: "yes"\nspec:\n  group: example.io\n`;

test('kustomizedCrds adds the kustomization labels (contract labels live only there), finds converted CRDs', () => {
  write('crd/bases/a.yaml', crd('as.example.io'));
  write(
    'crd/bases/b.yaml',
    `${crd('bs.example.io')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-a-crd\n`,
  );
  write(
    'crd/patches/webhook_in_as.yaml',
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: as.example.io\n' +
      'spec:\n  conversion:\n    strategy: Webhook\n',
  );
  write(
    'crd/kustomization.yaml',
    [
      'labels:',
      '- pairs:',
      '    cluster.x-k8s.io/v1beta1: v1beta1',
      '    cluster.x-k8s.io/v1beta2: v1beta2',
      'resources:',
      '- bases/a.yaml',
      '- bases/b.yaml',
      'patches:',
      '- path: patches/webhook_in_as.yaml',
      '',
    ].join('\n'),
  );
  const { crds, converted } = kustomizedCrds(path.join(dir, 'crd'), true);
  expect(crds.map((c) => c.metadata.name)).toEqual(['as.example.io', 'bs.example.io']);
  for (const c of crds)
    expect(c.metadata.labels).toEqual({
      own: 'yes',
      'cluster.x-k8s.io/v1beta1': 'v1beta1',
      'cluster.x-k8s.io/v1beta2': 'v1beta2',
    });
  expect([...converted]).toEqual(['as.example.io']);
});

test('a provider kustomization without contract labels is an error, not a silently broken topology controller', () => {
  write('bare/bases/a.yaml', crd('as.example.io'));
  write('bare/kustomization.yaml', 'resources:\n- bases/a.yaml\n');
  expect(() => kustomizedCrds(path.join(dir, 'bare'), true)).toThrow(/kustomization\.yaml: no contract label/);
  expect(kustomizedCrds(path.join(dir, 'bare'), false).crds).toHaveLength(1);
});

test('withConversion: CRD → manager /convert with our CA; webhookConfigs rewrite Services to URLs and rename', () => {
  const c = withConversion(
    { kind: 'CustomResourceDefinition', metadata: { name: 'x' }, spec: { group: 'g' } },
    'https://127.0.0.1:9443',
    'Q0E=',
  );
  expect(c.spec).toEqual({
    group: 'g',
    conversion: {
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1'],
        clientConfig: { url: 'https://127.0.0.1:9443/convert', caBundle: 'Q0E=' },
      },
    },
  });
  write(
    'webhook/manifests.yaml',
    [
      'apiVersion: admissionregistration.k8s.io/v1',
      'kind: ValidatingWebhookConfiguration',
      'metadata:',
      '  name: validating-webhook-configuration',
      'webhooks:',
      '- name: validation.clusterclass.cluster.x-k8s.io',
      '  clientConfig:',
      '    service:',
      '      name: webhook-service',
      '      namespace: system',
      '      path: /validate-cluster-x-k8s-io-v1beta2-clusterclass',
      '  sideEffects: None',
      '',
    ].join('\n'),
  );
  const [cfg] = webhookConfigs(
    path.join(dir, 'webhook/manifests.yaml'),
    'capi-manager',
    'https://127.0.0.1:9443',
    'Q0E=',
  );
  expect(cfg.metadata.name).toBe('capi-manager-validating-webhook-configuration');
  expect(cfg.webhooks[0]).toEqual({
    name: 'validation.clusterclass.cluster.x-k8s.io',
    sideEffects: 'None',
    clientConfig: { url: 'https://127.0.0.1:9443/validate-cluster-x-k8s-io-v1beta2-clusterclass', caBundle: 'Q0E=' },
  });
  write(
    'webhook/broken.yaml',
    'kind: MutatingWebhookConfiguration\nmetadata:\n  name: m\nwebhooks:\n- name: w\n  clientConfig: {}\n',
  );
  expect(() => webhookConfigs(path.join(dir, 'webhook/broken.yaml'), 'm', 'https://x', 'y')).toThrow(
    /webhook w has no service path/,
  );
});

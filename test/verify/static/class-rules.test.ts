// Unit cases of the two parsers behind capi/template-parse and the variable-schema rules (the fixture corpus covers
// the rules end to end).

import { checkClusterClass } from '../../../src/model/class-rules';
import { checkVariableSchema } from '../../../src/model/class-rules-schema';
import { checkGoTemplate, renderSimpleTemplate } from '../../../src/model/class-rules-template';

describe('Go template check', () => {
  test.each([
    ['{{ if eq .apiServerLoadBalancer "octavia-amphora" }}true{{ end }}', ['apiServerLoadBalancer']],
    ['{{- /* note */ -}}{{ $.a }}{{ .b.c | toJson }}', ['a', 'b.c']],
    ['{{ range $i, $d := .devices }}{{ if $i }},{{ end }}{{ $d.name }}{{ .inner }}{{ end }}', ['devices']],
    ['{{ with .w }}{{ .in }}{{ else }}{{ .out }}{{ end }}', ['w', 'out']],
    [
      '{{ $n := .a }}{{ if .b }}{{ $n = printf "%s-%s" .a .builtin.controlPlane.version }}{{ end }}{{ $n }}',
      ['a', 'b', 'builtin.controlPlane.version'],
    ],
    ['{{ printf "}}" .x }}', ['x']],
    ['{{ (index .list 0).name }}', ['list']],
    ['{{ range .xs }}{{ if . }}{{ break }}{{ end }}{{ end }}', ['xs']],
  ])('%s parses and reads %j', (tpl, fields) => {
    const r = checkGoTemplate(tpl);
    expect(r.error).toBeUndefined();
    expect(r.fields).toEqual(fields);
  });

  test.each([
    ['{{ .x }', 'unclosed action'],
    ['{{ if .x }}a', 'unexpected EOF: {{if}} has no {{end}}'],
    ['a{{ end }}', 'unexpected {{end}}'],
    ['{{ else }}', 'unexpected {{else}}'],
    ['{{ toYaml .x }}', 'function "toYaml" not defined'],
    ['{{ now }}', 'function "now" not defined'],
    ['{{ $y }}', 'undefined variable "$y"'],
    ['{{}}', 'missing value for command'],
    ['{{ .a | }}', 'missing command after "|"'],
    ['{{ (len .a }}', 'unclosed left paren'],
    ['{{ "abc }}', 'unterminated quoted string'],
    ['{{/* open', 'unclosed comment'],
    ['{{ break }}', '{{break}} outside {{range}}'],
    ['{{ .a ; }}', 'unexpected ";" in command'],
  ])('%s fails: %s', (tpl, error) => {
    expect(checkGoTemplate(tpl).error).toBe(error);
  });

  test('simple naming templates render with missingkey=error', () => {
    const data = { cluster: { name: 'c1' }, random: 'abcde' };
    expect(renderSimpleTemplate('{{ .cluster.name }}-{{- .random }}', data)).toEqual({ value: 'c1-abcde' });
    expect(renderSimpleTemplate('{{ .cluster.name }} \n {{- .random }}', data)).toEqual({ value: 'c1abcde' });
    expect(renderSimpleTemplate('{{ .cluster.name }}-{{ .machineDeployment.topologyName }}', data)!.error).toMatch(
      /no entry for key "machineDeployment"/,
    );
    expect(renderSimpleTemplate('{{ .cluster.name | trunc 3 }}', data)).toBeUndefined();
  });
});

describe('variable schema check', () => {
  const rules = (schema: unknown) => checkVariableSchema(schema).map((p) => `${p.rule} ${p.path}`);
  test('a typical schema with nested defaults, int-or-string and a RE2-only pattern is clean', () => {
    expect(
      rules({
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true, default: 443 },
          name: { type: 'string', pattern: '(?i)^[a-z]+$', default: 'Web' },
          sizes: { type: 'array', items: { type: 'integer', minimum: 1 }, default: [1, 2] },
          labels: { type: 'object', additionalProperties: { type: 'string' }, default: { a: 'b' } },
          limit: { type: 'number', maximum: 10, exclusiveMaximum: true, example: 9.5 },
        },
        default: { port: 'https', name: 'x', sizes: [] },
      }),
    ).toEqual([]);
  });
  test('each problem at its path', () => {
    expect(rules({ type: 'integer', maximum: 10, exclusiveMaximum: true, default: 10 })).toEqual([
      'capi/variable-default .default',
    ]);
    expect(rules({ type: 'object', properties: { a: { type: 'string' } }, default: { b: 'x' } })).toEqual([
      'capi/variable-default .default',
    ]);
    expect(rules({ type: 'string', enum: ['a', 'B'], pattern: '^[a-z]$' })).toEqual(['capi/variable-enum .enum[1]']);
    expect(rules({ type: 'string', allOf: [{ type: 'string' }] })).toEqual([
      'capi/variable-schema-structural .allOf[0].type',
    ]);
    expect(rules({ type: 'string', nullable: true })).toEqual(['capi/variable-schema-keyword .nullable']);
    expect(rules(undefined)).toEqual(['capi/variable-schema-structural ']);
  });
});

describe('health checks in both API versions', () => {
  const ref = (kind: string) => ({ ref: { apiVersion: 'x.io/v1beta1', kind, name: kind.toLowerCase() } });
  const objects = ['ClusterTemplate', 'CPTemplate', 'MachineTemplate'].map((kind) => ({
    apiVersion: 'x.io/v1beta1',
    kind,
    metadata: { name: kind.toLowerCase() },
  }));
  const v1beta1 = (mhc: object) =>
    checkClusterClass(
      {
        apiVersion: 'cluster.x-k8s.io/v1beta1',
        spec: {
          infrastructure: ref('ClusterTemplate'),
          controlPlane: {
            ...ref('CPTemplate'),
            machineInfrastructure: ref('MachineTemplate'),
            machineHealthCheck: mhc,
          },
        },
      },
      objects,
    ).map((p) => `${p.rule} ${p.path}`);
  test('v1beta1 durations and maxUnhealthy', () => {
    expect(v1beta1({ nodeStartupTimeout: '10m', maxUnhealthy: '40%' })).toEqual([]);
    expect(v1beta1({ nodeStartupTimeout: '0' })).toEqual([]);
    expect(v1beta1({ nodeStartupTimeout: '20s', maxUnhealthy: '40' })).toEqual([
      'capi/health-check spec.controlPlane.machineHealthCheck.nodeStartupTimeout',
      'capi/health-check spec.controlPlane.machineHealthCheck.maxUnhealthy',
    ]);
    expect(v1beta1({ nodeStartupTimeout: 'ten minutes' })).toEqual([
      'capi/health-check spec.controlPlane.machineHealthCheck.nodeStartupTimeout',
    ]);
  });
});

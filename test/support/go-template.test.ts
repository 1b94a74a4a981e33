// The test interpreter must itself be right, or the wiring tests prove nothing.

import { renderGoTemplate } from './go-template';

test.each([
  ['{{ if .a }}true{{ end }}', { a: 'x' }, 'true'],
  ['{{ if .a }}true{{ end }}', {}, ''],
  ['{{ if .a }}true{{ end }}', { a: [] }, ''],
  ['{{ if eq .lb "ovn" }}yes{{ else }}no{{ end }}', { lb: 'amphora' }, 'no'],
  ['{{ if and (eq .lb "a") .cidrs }}t{{ end }}', { lb: 'a', cidrs: ['x'] }, 't'],
  ['{{ if and (eq .lb "a") .cidrs }}t{{ end }}', { lb: 'a' }, ''],
  [
    '{{ $n := .name }}{{ if .v }}{{ $n = printf "%s-%s" .name .v }}{{ end }}{{ $n | toJson }}',
    { name: 'img', v: 'v1.36.4' },
    '"img-v1.36.4"',
  ],
  [
    '[{{ range $i, $n := .l }}{{ if $i }}, {{ end }}{"id": {{ $n | toJson }}}{{ end }}]',
    { l: ['a', 'b'] },
    '[{"id": "a"}, {"id": "b"}]',
  ],
  ['{{ range $i, $d := .l }}{{ $d.name }}={{ $d.size }};{{ end }}', { l: [{ name: 'x', size: 1 }] }, 'x=1;'],
  ['{{ .builtin.controlPlane.version }}', { builtin: { controlPlane: { version: 'v1' } } }, 'v1'],
  ['{{ .missing }}', {}, '<no value>'],
])('%s with %j renders %j', (tpl, data, want) => {
  expect(renderGoTemplate(tpl, data)).toBe(want);
});

test('an unterminated block is an error', () => {
  expect(() => renderGoTemplate('{{ if .a }}x', { a: 1 })).toThrow(/missing \{\{ end \}\}/);
});

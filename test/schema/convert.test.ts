import { convertSchema, stripNulls } from '../../src/schema/convert';
import { pointerPath as fieldPath } from '../../src/util/field-path';
import { closest } from '../../src/schema/errors';
import { SchemaBundle, SchemaRegistry } from '../../src/schema/registry';
import { schemaFindings } from '../../src/verify/static/schema-rules';

// A hand-written CRD schema exercising the conversion corner cases, validated through a registry without cache.
const widget = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        a: { type: 'integer' },
        b: { type: 'string' },
        items: { type: 'array', items: { type: 'string', nullable: true } },
        timeout: { type: 'string', format: 'duration' },
        code: { type: 'string', pattern: '(?i)^abc$' }, // RE2 flag syntax a JavaScript RegExp cannot read
        colour: { type: 'string', format: 'x-colour' }, // a format nobody knows
        free: { type: 'object' }, // structural: no properties and no preserve-unknown-fields = everything pruned
      },
      anyOf: [{ required: ['a'] }, { required: ['b'] }],
    },
  },
};
const bundle: SchemaBundle = {
  sources: {},
  definitions: {
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } },
  },
  kinds: { 'example.com/v1/Widget': { source: 'crd', schema: widget } },
};
const registry = new SchemaRegistry(bundle, null);
const check = (spec: object) =>
  schemaFindings(
    [
      {
        name: 't',
        objects: [
          {
            obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec },
            file: 'w.yaml',
            doc: 1,
          },
        ],
      },
    ],
    [],
    registry,
  ).map((f) => `${f.rule} ${f.path}: ${f.message}`);

test('value validations inside anyOf never close the object; the anyOf itself is one finding', () => {
  expect(check({ a: 1 })).toEqual([]);
  expect(check({ b: 'x' })).toEqual([]);
  expect(check({})).toEqual(['schema/invalid spec: expected an object with a or an object with b, found object']);
  expect(check({ a: 1, c: 2 })).toEqual([
    expect.stringMatching(
      new RegExp(
        /^schema\/unknown-field spec\.c: /.source +
          /expected one of the fields a, b, items, timeout, code, colour, free, found unknown field "c"$/.source,
      ),
    ),
  ]);
});

test('a structural object without properties prunes everything: any field in it is unknown', () => {
  expect(check({ a: 1, free: { x: 1 } })).toEqual([
    'schema/unknown-field spec.free.x: expected no fields here, found unknown field "x"',
  ]);
});

test('nullable list items accept null; Go durations; RE2-only patterns and unknown formats are not misjudged', () => {
  expect(check({ a: 1, items: ['x', null], timeout: '1h30m', code: 'ABC', colour: 'blue' })).toEqual([]);
  expect(check({ a: 1, timeout: 'P1D' })).toEqual([
    'schema/invalid spec.timeout: expected format duration, found string "P1D"',
  ]);
});

test('the conversion keeps upstream schemas untouched and closes only what it must', () => {
  const before = JSON.stringify(widget);
  const out = convertSchema(widget, { crd: true, objectMetaRef: 'k8s#/om' });
  expect(JSON.stringify(widget)).toBe(before);
  expect(out.additionalProperties).toBe(false);
  expect(out.properties.metadata).toEqual({ $ref: 'k8s#/om' });
  expect(out.properties.spec.anyOf).toEqual([{ required: ['a'] }, { required: ['b'] }]);
  expect(out.properties.spec.properties.code.pattern).toBeUndefined();
  expect(
    convertSchema({ type: 'object', properties: { x: { type: 'string' } } }, { crd: false }).additionalProperties,
  ).toBe(false);
  // built-in free-form (RawExtension)
  expect(convertSchema({ type: 'object' }, { crd: false }).additionalProperties).toBeUndefined();
  expect(
    convertSchema(
      { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { x: {} } },
      { crd: true },
    ).additionalProperties,
  ).toBeUndefined();
});

test('helpers: paths walk the data, suggestions stay close, nulls are dropped only from maps', () => {
  expect(fieldPath('/spec/items/0/a~1b', { spec: { items: [{ 'a/b': 1 }] } })).toBe('spec.items[0]["a/b"]');
  expect(fieldPath('/data/0', { data: { 0: 'x' } })).toBe('data["0"]');
  expect(closest('flavr', ['flavor', 'image'])).toBe('flavor');
  expect(closest('zzzzzz', ['flavor', 'image'])).toBeUndefined();
  const o = { a: null, b: [null, { c: null, d: 1 }] };
  expect(stripNulls(o)).toEqual({ b: [null, { d: 1 }] });
  const clean = { a: 1 };
  expect(stripNulls(clean)).toBe(clean);
});

import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { parseLock } from '../../src/model/lock';
import { synthesize } from '../../src/synth/synth';
import { stringifyYaml } from '../../src/synth/yaml-writer';
import { definitions } from '../../classes';

const lock = parseLock(fs.readFileSync(path.join(__dirname, '../../stacks.lock.json'), 'utf8'));

test.each(['v1beta2', 'v1beta1'] as const)(
  'every document of every shipped stack (%s: class, templates, addons, metadata) is written as cdk8s writes it',
  (capiApiVersion) => {
    const docs = synthesize(lock, definitions, { capiApiVersion, checkLock: false }).stacks.flatMap((s) =>
      s.files.flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as unknown)),
    );
    expect(docs.length).toBeGreaterThan(100);
    for (const d of docs) expect(stringifyYaml(d)).toBe(Yaml.stringify(d));
  },
);

const shared = { a: 1 };
const emptyShared = {};
const awkward: Record<string, unknown> = {
  yes: 'yes',
  words: ['no', 'On', 'NULL', '~', 'y', 'true', 'False'],
  numbers: ['1.35', '250', '0x1F', '1_000', '1:20', '.inf', '-.5', '1e3', '2026-11-29', '012'],
  quoting: ['a: b', 'a #b', '', ' lead', 'trail ', '"q"', "it's", `"'both'"`, '-x', '- x', '? x', '{{ x }}', '@x'],
  flow: ['x,y', '[a]', '{a}', 'a(b)', '*alias', '&anchor', '!tag', '%x', '`x`', '|x', '>x', 'a\tb'],
  unicode: ['ü', 'é x', '\u00a0', '\u2028'],
  multiline: 'a\nb',
  trailingNewline: 'a\n',
  float: 0.5,
  negative: -3,
  bigint: 2 ** 60,
  nested: [[1, 2], [[]], [{}]],
  empty: { list: [], map: {}, nullish: null },
  sharedTwice: [shared, shared],
  emptyTwice: { x: emptyShared, y: emptyShared },
  'key with: colon': 1,
  '1': 'numeric key',
  'cluster.x-k8s.io/name': 'k',
};

test.each(Object.entries(awkward))('awkward value %s is written as cdk8s writes it', (k, v) => {
  expect(stringifyYaml({ [k]: v })).toBe(Yaml.stringify({ [k]: v }));
  expect(stringifyYaml([v])).toBe(Yaml.stringify([v]));
  expect(stringifyYaml({ outer: [{ [k]: v, after: 1 }] })).toBe(Yaml.stringify({ outer: [{ [k]: v, after: 1 }] }));
});

test('several documents and undefined ones are joined as cdk8s joins them', () => {
  const docs = [{ a: 1 }, undefined, 'text', [1], {}];
  expect(stringifyYaml(...docs)).toBe(Yaml.stringify(...docs));
});

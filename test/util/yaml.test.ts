import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { INPUT_LIMITS, parseYaml, readTextFile, readYamlFile } from '../../src/util/yaml';
import { InputError } from '../../src/util/errors';

const one = (text: string) => parseYaml(text, 'in.yaml', 'manifest')[0].value as Record<string, unknown>;
const fails = (input: string | Buffer, kind: Parameters<typeof parseYaml>[2] = 'manifest') => {
  try {
    parseYaml(input, 'in.yaml', kind);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('parsed without error');
};

describe('YAML 1.1 scalars, as kubectl reads them', () => {
  it('reads yes/no/on/off/y/n as booleans and quoted ones as strings', () => {
    expect(one('a: yes\nb: off\nc: y\nd: "yes"\ne: True')).toEqual({ a: true, b: false, c: true, d: 'yes', e: true });
  });
  it('reads 1.1 integers (octal 0755, hex, binary, sexagesimal, underscores) and floats', () => {
    expect(one('a: 0755\nj: 1e3\nk: e3\nb: 0x1F\nc: 0b101\nd: 1:30\ne: 1_000\nf: 1.5\ng: .inf\nh: 0\ni: -12')).toEqual({
      a: 493,
      b: 31,
      c: 5,
      d: 90,
      e: 1000,
      f: 1.5,
      g: Infinity,
      h: 0,
      i: -12,
      j: 1000,
      k: 'e3',
    });
  });
  it('keeps timestamps and versions as strings', () => {
    expect(one('t: 2026-11-29T10:00:00Z\nv: v1.36.4\nd: 2026-11-29\nip: 10.0.0.1')).toEqual({
      t: '2026-11-29T10:00:00Z',
      v: 'v1.36.4',
      d: '2026-11-29',
      ip: '10.0.0.1',
    });
  });
  it('reads bare y and n keys as booleans (as go-yaml v2 does) and quoted ones as strings', () => {
    expect(one('y: 1\n"n": 2')).toEqual({ true: 1, n: 2 });
  });
  it('reads bare y and n keys as booleans (as go-yaml v2 does) and quoted ones as strings', () => {
    expect(one('y: 1\n"n": 2')).toEqual({ true: 1, n: 2 });
  });
  it('merges << keys and reads null forms', () => {
    expect(one('base: &b {x: 1}\nm:\n  <<: *b\n  z: 2\nk: ~\no:')).toEqual({
      base: { x: 1 },
      m: { x: 1, z: 2 },
      k: null,
      o: null,
    });
  });
});

describe('documents', () => {
  it('numbers documents and their start lines', () => {
    const docs = parseYaml('# c\na: 1\n---\nb: 2\n---\n\n---\nc: 3\n', 'in.yaml', 'manifest');
    expect(docs.map((d) => [d.index, d.line, d.value])).toEqual([
      [1, 2, { a: 1 }],
      [2, 3, { b: 2 }],
      [3, 5, null],
      [4, 7, { c: 3 }],
    ]);
  });
  it('starts a document after an end marker at its first content line, and after a marker with content', () => {
    const docs = parseYaml('a: 1\n...\n# next\nb: 2\n--- |\n  text\n', 'in.yaml', 'manifest');
    expect(docs.map((d) => [d.line, d.value])).toEqual([
      [1, { a: 1 }],
      [4, { b: 2 }],
      [5, 'text\n'],
    ]);
  });
  it('names file, line and column of a syntax error', () => {
    expect(fails('a: 1\nb: [1, 2\n')).toMatch(/^in\.yaml:\d+:\d+: /);
  });
});

describe('limits', () => {
  it('refuses an alias bomb, naming the document', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
      .concat(
        Array.from(
          { length: 9 },
          (_, i) =>
            `${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(10)
              .fill('*' + 'abcdefghij'[i])
              .join(',')}]`,
        ),
      )
      .join('\n');
    expect(fails(bomb)).toMatch(/in\.yaml:1: document 1 expands its aliases to more than \d+ values/);
  });
  it('refuses a self-referencing alias', () => {
    expect(fails('a: &x\n  b: *x\n')).toMatch(/refers to itself through an alias/);
    expect(fails('---\nk: v\n---\n&l [*l]\n')).toMatch(/in\.yaml:3: document 2 refers to itself/);
  });
  it('allows ordinary aliases', () => {
    expect(one('a: &x {b: 1}\nc: *x')).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });
  it('refuses input above the size limit of its kind, saying the limit', () => {
    const big = 'a: "' + 'x'.repeat(INPUT_LIMITS.cluster.bytes) + '"';
    expect(fails(big, 'cluster')).toMatch(/larger than the 1 MiB cskit reads for a Cluster file/);
  });
});

describe('strict text', () => {
  it('refuses invalid UTF-8 with its line and column instead of turning it into U+FFFD', () => {
    const latin1 = Buffer.concat([Buffer.from('a: 1\nb: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect(fails(latin1)).toMatch(/^in\.yaml:2:7: invalid UTF-8 \(byte 0xe9\)/);
  });
  it('refuses NUL and control characters', () => {
    expect(fails('a: b\u0000c')).toMatch(/^in\.yaml:1:\d+: /);
    expect(fails('a: b\u0001c')).toMatch(/non-printable/);
  });
  it('refuses %YAML versions other than 1.1 and 1.2', () => {
    expect(fails('%YAML 9.9\n---\na: 1')).toMatch(/^in\.yaml:\d+:\d+: .*YAML version/);
    expect(fails('%YAML 1.3\n---\na: 1')).toMatch(/only %YAML 1\.1 and 1\.2 are read/);
    expect(one('%YAML 1.1\n---\na: yes')).toEqual({ a: true });
  });
  it('accepts valid multi-byte UTF-8 and a BOM', () => {
    expect(one('\uFEFFa: "café ✓ 🚀"')).toEqual({ a: 'café ✓ 🚀' });
  });
});

describe('files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cskit-yaml-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };
  it('names a missing file, a folder and a file used as a folder', () => {
    expect(err(() => readYamlFile(path.join(dir, 'nope.yaml'), 'cluster'))).toMatch(
      /nope\.yaml: no such file; give the path of an existing Cluster file/,
    );
    expect(err(() => readTextFile(dir, 'lock'))).toMatch(/is a directory; give the path of a lock file, not a folder/);
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    expect(err(() => readYamlFile(path.join(dir, 'f', 'x.yaml'), 'manifest'))).toMatch(/is a file, not a folder/);
  });
  it('reads an empty device as no documents', () => {
    expect(readYamlFile('/dev/null', 'manifest')).toEqual([]);
  });
  it('refuses an unreadable file with the fix', () => {
    if (process.getuid?.() === 0) {
      // root reads every file: prove the mapping on the error code instead of the file system
      expect(err(() => readYamlFile('/proc/self/mem', 'manifest'))).toMatch(/\/proc\/self\/mem: /);
      return;
    }
    const f = path.join(dir, 'secret.yaml');
    fs.writeFileSync(f, 'a: 1', { mode: 0o000 });
    expect(err(() => readYamlFile(f, 'manifest'))).toMatch(/permission denied; make the manifest file readable/);
  });
});

/** PLACEHOLDER until the lead's src/util/yaml.ts lands on main (then main's version replaces this file). */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { InputError } from './errors';

export type InputKind = 'manifest' | 'stack' | 'lock' | 'cluster' | 'metadata' | 'addonIndex';
export const INPUT_LIMITS: Record<InputKind, number> = {
  manifest: 64 << 20,
  stack: 64 << 20,
  lock: 1 << 20,
  cluster: 1 << 20,
  metadata: 1 << 20,
  addonIndex: 1 << 20,
};
export interface YamlDoc {
  value: unknown;
  index: number;
  line: number;
}

export function parseYaml(text: string | Buffer, source: string, kind: InputKind): YamlDoc[] {
  void kind;
  const docs = parseAllDocuments(text.toString(), { version: '1.1' });
  return (Array.isArray(docs) ? docs : [docs]).map((d, i) => {
    if (d.errors.length) throw new InputError(`${source}: document ${i + 1}: ${d.errors[0].message.split('\n')[0]}`);
    return { value: d.toJS(), index: i + 1, line: 1 };
  });
}

export function readTextFile(file: string, kind: InputKind): string {
  void kind;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
}

export function readYamlFile(file: string, kind: InputKind): YamlDoc[] {
  return parseYaml(readTextFile(file, kind), file, kind);
}

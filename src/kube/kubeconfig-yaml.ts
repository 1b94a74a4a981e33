/**
 * Kubeconfig text to a value, with errors that give file:line:column and never the offending line: a
 * kubeconfig holds credentials, and a parser's code frame would print them. To be replaced by THE YAML reader
 * (src/util/yaml.ts, kind 'kubeconfig') once it is on main.
 */
import { YAMLError, parseAllDocuments } from 'yaml';
import { KubeError } from './types';

/** The kubeconfig's one document (undefined when empty). */
export function parseKubeconfigYaml(text: string | Buffer, where: string): unknown {
  const s = typeof text === 'string' ? text : text.toString('utf8');
  if (s.includes('\u0000') || s.includes('\uFFFD'))
    throw new KubeError('config', `kubeconfig ${where}: not a text file (NUL or invalid UTF-8)`);
  let docs;
  try {
    docs = parseAllDocuments(s, { version: '1.1' });
  } catch (e) {
    throw new KubeError('config', `kubeconfig ${where}: not valid YAML (${(e as Error).name})`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    const err: YAMLError | undefined = d.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      throw new KubeError(
        'config',
        `kubeconfig ${where}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML (${err.code})`,
      );
    }
  }
  if (list.length > 1)
    throw new KubeError('config', `kubeconfig ${where}: ${list.length} YAML documents, expected one`);
  try {
    return list[0]?.toJS({ maxAliasCount: 100 }) ?? undefined;
  } catch (e) {
    throw new KubeError('config', `kubeconfig ${where}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}

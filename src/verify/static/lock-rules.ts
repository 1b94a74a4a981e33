import * as fs from 'fs';
import * as path from 'path';
import { stackContentHash } from '../../model/content-hash';
import { LOCK_FILE, LockFile, readLock } from '../../model/lock';
import { parseStackName, stackId } from '../../model/naming';
import { RuleInfo, StaticFinding } from './finding';
import { InputError } from '../../util/errors';
import { StackInput } from './load';

/** Our own immutability rules (not Cluster API's, hence `lock/`): a released name never changes content. */
const LOCK_IMMUTABLE: RuleInfo = {
  id: 'lock/immutable',
  source: 'cskit immutability (ARCHITECTURE: a released name never changes content; CAPI reuses templates by name)',
  fix: 'never change a released stack: run `cskit bump` so the change ships under a new version vN+1',
};
const CLASS_NAME_UNIQUE: RuleInfo = {
  id: 'lock/class-name-unique',
  source:
    'cskit immutability: one ClusterClass name, one content ' +
    '(applying both, the second silently replaces the first in the management cluster)',
  fix: 'give the changed stack a new version (`cskit bump`), or drop the stale copy',
};
export const LOCK_RULES: readonly RuleInfo[] = [LOCK_IMMUTABLE, CLASS_NAME_UNIQUE];

/** The same ClusterClass name with different content in two of the stacks given: one of them must be a new version. */
export function classNameFindings(stacks: readonly StackInput[]): StaticFinding[] {
  const seen = new Map<string, { stack: string; spec: string }>();
  const out: StaticFinding[] = [];
  for (const s of stacks) {
    for (const l of s.objects.filter((o) => o.obj.kind === 'ClusterClass')) {
      const name = String(l.obj.metadata?.name);
      const spec = JSON.stringify(l.obj.spec ?? {});
      const first = seen.get(name);
      if (!first) {
        seen.set(name, { stack: s.name, spec });
        continue;
      }
      if (first.spec === spec || first.stack === s.name) continue;
      out.push({
        rule: CLASS_NAME_UNIQUE.id,
        severity: 'error',
        stack: s.name,
        file: l.file,
        object: `ClusterClass ${name}`,
        path: 'spec',
        message:
          `ClusterClass ${name} is also in stack ${first.stack} with a different spec; ` +
          `one name must always mean one content`,
        fix: CLASS_NAME_UNIQUE.fix,
      });
    }
  }
  return out;
}

/**
 * A stack whose class name the lock records (same provider-stack id, minor and version) must hash as the lock
 * says: a released name never changes content. Stacks the lock does not know (foreign ones, newer versions) pass.
 */
export function lockFindings(
  stack: StackInput,
  lock: LockFile | undefined,
  lockFile = 'stacks.lock.json',
): StaticFinding[] {
  if (!lock || !stack.files) return [];
  const cc = stack.objects.find((o) => o.obj.kind === 'ClusterClass');
  const name = String(cc?.obj.metadata?.name ?? stack.name);
  const n = parseStackName(name);
  if (!n) return [];
  const entry = lock.stacks[stackId(n.provider, n.stack)]?.[`${n.major}.${n.minor}`];
  if (!entry || entry.version !== n.version) return [];
  if (cc && !String(cc.obj.apiVersion).endsWith('/v1beta2')) return []; // the lock hashes the v1beta2 form only
  const hash = stackContentHash(name, stack.files);
  if (hash === entry.hash) return [];
  return [
    {
      rule: LOCK_IMMUTABLE.id,
      severity: 'error',
      stack: stack.name,
      file: cc?.file,
      object: `ClusterClass ${name}`,
      message:
        `${name} is recorded in ${lockFile} with ${entry.hash} ` +
        `but its content hashes to ${hash}: a released class name must never change content`,
      fix: LOCK_IMMUTABLE.fix,
    },
  ];
}

/**
 * The lock `cskit verify` holds stacks to: `--lock FILE`, or `stacks.lock.json` in the working directory when it
 * exists (verifying our own dist/), or none with `--no-lock`. A broken lock file is an InputError naming the file.
 */
export function resolveLock(
  option: string | boolean | undefined,
  cwd = process.cwd(),
): { lock: LockFile; file: string } | undefined {
  if (option === false) return undefined;
  const file = typeof option === 'string' ? option : path.join(cwd, LOCK_FILE);
  if (typeof option !== 'string' && !fs.existsSync(file)) return undefined;
  if (!fs.existsSync(file))
    throw new InputError(`--lock ${file}: no such file; give the path of a stacks.lock.json, or --no-lock`);
  try {
    return { lock: readLock(file), file: typeof option === 'string' ? option : LOCK_FILE };
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

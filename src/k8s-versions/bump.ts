import { LockEntry, LockFile } from '../model/lock';
import { VersionData } from './data';
import { formatDay, parseDay } from './dates';
import { Finding, recommend } from './policy';
import { compareMinors, compareVersions, parseKubernetesVersion } from './version';

/** One explained change to stacks.lock.json. */
export interface BumpChange {
  readonly stack: string;
  readonly minor: string;
  readonly action: 'add' | 'move' | 'rehash' | 'drop' | 'keep';
  readonly from?: LockEntry;
  readonly to?: LockEntry;
  readonly reason: string;
}

export interface BumpOptions {
  readonly at: Date;
  readonly data: VersionData;
  /** Content hash of stack `<provider>-<stack>` at a Kubernetes patch version (src/synth/hash.ts). */
  readonly hashStack: (stackId: string, kubernetesVersion: string) => string;
  /** Stack definitions that exist; stacks without lock entries get the recommended minors. */
  readonly stackIds?: readonly string[];
}

const nextVersion = (v: string) => `v${Number(v.slice(1)) + 1}`;

/**
 * Moves the lock to what scs-0210 requires at `at`: every supported branch at its latest patch, end-of-life
 * branches dropped, and a new stack version whenever a stack version's content (hash) changes.
 * Pure: returns the new lock and the changes; the caller writes it.
 */
export function bump(
  lock: LockFile,
  opts: BumpOptions,
): { lock: LockFile; changes: BumpChange[]; findings: Finding[] } {
  const at = parseDay(opts.at);
  const rec = recommend(at, opts.data);
  const target = new Map(rec.versions.map((r) => [r.minor, r]));
  const changes: BumpChange[] = [];
  const stacks: Record<string, Record<string, LockEntry>> = {};
  const ids = [...new Set([...Object.keys(lock.stacks), ...(opts.stackIds ?? [])])].sort();
  for (const id of ids) {
    const current = lock.stacks[id] ?? {};
    const next: Record<string, LockEntry> = {};
    for (const r of rec.versions) {
      const from = current[r.minor];
      if (!from) {
        const to = { kubernetesVersion: r.version, version: 'v1', hash: opts.hashStack(id, r.version) };
        next[r.minor] = to;
        const estimated = opts.data.branchByMinor.get(r.minor)?.endOfLifeEstimated ? '~' : '';
        changes.push({
          stack: id,
          minor: r.minor,
          action: 'add',
          to,
          reason:
            `branch ${r.minor} is supported until ${estimated}${r.endOfLife}; ` +
            `${r.version} released ${r.released}${r.minorOfferBy ? `, must be offered by ${r.minorOfferBy}` : ''}`,
        });
        continue;
      }
      // Never move backwards: a lock ahead of the data means the data is stale, not the lock.
      const ahead =
        compareVersions(parseKubernetesVersion(from.kubernetesVersion)!, parseKubernetesVersion(r.version)!) > 0;
      const kubernetesVersion = ahead ? from.kubernetesVersion : r.version;
      const hash = opts.hashStack(id, kubernetesVersion);
      if (hash === from.hash && kubernetesVersion === from.kubernetesVersion) {
        next[r.minor] = from;
        if (ahead)
          changes.push({
            stack: id,
            minor: r.minor,
            action: 'keep',
            from,
            to: from,
            reason: `${from.kubernetesVersion} is newer than the data knows (${r.version}); kept`,
          });
        continue;
      }
      const to = { kubernetesVersion, version: nextVersion(from.version), hash };
      next[r.minor] = to;
      changes.push(
        kubernetesVersion !== from.kubernetesVersion
          ? {
              stack: id,
              minor: r.minor,
              action: 'move',
              from,
              to,
              reason:
                `${r.version} released ${r.released}; offer it by ${r.offerBy}` +
                `${r.criticalCves.length ? ` (fixes critical ${r.criticalCves.join(', ')})` : ''}`,
            }
          : {
              stack: id,
              minor: r.minor,
              action: 'rehash',
              from,
              to,
              reason: "the stack's content changed; a released version never changes, so it gets a new version",
            },
      );
    }
    for (const [minor, from] of Object.entries(current)) {
      if (target.has(minor)) continue;
      const branch = opts.data.branchByMinor.get(minor);
      if (branch && at > branch.endOfLife) {
        changes.push({
          stack: id,
          minor,
          action: 'drop',
          from,
          reason:
            `branch ${minor} reached end of life on ${formatDay(branch.endOfLife)}. ` +
            `Whether clusters still use it cannot be known offline: ` +
            `keep its ClusterClass on management clusters until no Cluster references it`,
        });
      } else {
        next[minor] = from;
        changes.push({
          stack: id,
          minor,
          action: 'keep',
          from,
          to: from,
          reason: branch
            ? `branch ${minor} is not released by ${formatDay(at)} in the data; kept`
            : `branch ${minor} is unknown to the version data (as of ${rec.dataAsOf}); ` +
              `kept: run \`cskit versions update\``,
        });
      }
    }
    stacks[id] = Object.fromEntries(Object.entries(next).sort(([a], [b]) => compareMinors(a, b)));
  }
  // The data's own warnings (stale, unreadable cache): the same as `cskit versions` prints.
  return { lock: { lockVersion: 1, stacks }, changes, findings: rec.findings };
}

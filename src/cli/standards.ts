import { Option } from 'commander';
import { STANDARDS, standardVersions } from '../verify/standards';
import { UserError } from './errors';

/**
 * The standard-version option `cskit verify` and `cskit verify cluster` share: which version of scs-0211 a verdict
 * is for (src/verify/standards.ts), with a usage error naming the known versions.
 */

/** `--scs-0211 v1|v2`: the version of scs-0211 to judge by (verify and verify cluster). */
export function scs0211Option(): Option {
  const v = STANDARDS['scs-0211'].versions;
  return new Option(
    '--scs-0211 <version>',
    `scs-0211 version to judge by: ${v.join(' (stable, default) or ')} (draft)`,
  );
}

export function parseStandards(scs0211: string | undefined): ReturnType<typeof standardVersions> & object {
  const versions = standardVersions({ 'scs-0211': scs0211 });
  if (!versions)
    throw new UserError(`--scs-0211 ${scs0211}: unknown version; known: ${STANDARDS['scs-0211'].versions.join(', ')}`);
  return versions;
}

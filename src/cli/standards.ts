/**
 * The standard-version option `cskit verify` and `cskit verify cluster` share: which version of scs-0211 a verdict
 * is for (src/verify/standards.ts). The value is checked when the command line is read (commander choices: an
 * unknown version is a usage error listing the known ones, exit 2) like every other flag value.
 */
import { Option } from 'commander';
import { STANDARDS, StandardVersions, standardVersions } from '../verify/standards';

/** `--scs-0211 v1|v2`: the version of scs-0211 to judge by (verify and verify cluster). */
export function scs0211Option(): Option {
  const v = STANDARDS['scs-0211'].versions;
  return new Option(
    '--scs-0211 <version>',
    `scs-0211 version to judge by: ${v.join(' (stable, default) or ')} (draft)`,
  ).choices(v);
}

/** The versions to judge by; the option's choices have already refused anything unknown. */
export function parseStandards(scs0211: string | undefined): StandardVersions {
  return standardVersions({ 'scs-0211': scs0211 })!;
}

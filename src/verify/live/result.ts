import { Finding, verdictOf } from '../../k8s-versions/policy';
import { STANDARDS, StandardId, StandardVersions } from '../standards';

/** The outcome of one standard's check on one cluster, in the SCS test scripts' terms. */
export type CheckVerdict = 'PASS' | 'WARN' | 'FAIL' | 'ABORT';

export interface CheckResult {
  /** `scs-0210` or `scs-0211`. */
  readonly standard: string;
  /** The version of the standard the verdict is for (`v1`; src/verify/standards.ts). */
  readonly version: string;
  /** The SCS result line name: `version-policy-check`, `default-storage-class-check`. */
  readonly name: string;
  readonly verdict: CheckVerdict;
  readonly findings: Finding[];
  readonly durationMs: number;
}

export function resultOf(
  standard: StandardId,
  versions: StandardVersions,
  findings: Finding[],
  started: number,
): CheckResult {
  const name = STANDARDS[standard].check;
  const version = versions[standard];
  return { standard, version, name, verdict: verdictOf(findings), findings, durationMs: Date.now() - started };
}

export function aborted(
  standard: StandardId,
  versions: StandardVersions,
  message: string,
  started: number,
): CheckResult {
  return {
    standard,
    version: versions[standard],
    name: STANDARDS[standard].check,
    verdict: 'ABORT',
    findings: [{ severity: 'error', code: 'abort', message }],
    durationMs: Date.now() - started,
  };
}

import { Finding, verdictOf } from '../../k8s-versions/policy';

/** The outcome of one standard's check on one cluster, in the SCS test scripts' terms. */
export type CheckVerdict = 'PASS' | 'WARN' | 'FAIL' | 'ABORT';

export interface CheckResult {
  /** `scs-0210` or `scs-0211`. */
  readonly standard: string;
  /** The SCS result line name: `version-policy-check`, `default-storage-class-check`. */
  readonly name: string;
  readonly verdict: CheckVerdict;
  readonly findings: Finding[];
  readonly durationMs: number;
}

export function resultOf(standard: string, name: string, findings: Finding[], started: number): CheckResult {
  return { standard, name, verdict: verdictOf(findings), findings, durationMs: Date.now() - started };
}

export function aborted(standard: string, name: string, message: string, started: number): CheckResult {
  return {
    standard,
    name,
    verdict: 'ABORT',
    findings: [{ severity: 'error', code: 'abort', message }],
    durationMs: Date.now() - started,
  };
}

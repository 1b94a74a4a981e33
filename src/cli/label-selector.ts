/**
 * Checks a `--selector` value against the label-selector syntax Kubernetes accepts (THE parser in
 * src/util/label-selector.ts), so that a typo is a usage error (exit 2) before any cluster is contacted, not an ABORT
 * from the server's 400 half-way through a fleet run.
 */
import { UserError } from './errors';
import { SELECTOR_EXAMPLES, selectorProblem } from '../util/label-selector';

/** The selector as given, if Kubernetes would accept it; else a usage error naming the flag and the problem. */
export function parseLabelSelector(flag: string, s: string): string {
  const problem = selectorProblem(s);
  if (problem) {
    throw new UserError(
      `${flag}: invalid label selector "${s}": ${problem}; expecting comma-separated requirements such as ` +
        SELECTOR_EXAMPLES,
    );
  }
  return s;
}

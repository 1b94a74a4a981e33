/**
 * THE way a test says it cannot run here: its prerequisite (built Cluster API managers, a restricted kubeconfig, …)
 * is missing. Under CI (CI=true, as `.ci/run` sets) that is a failure; on a developer machine the test is skipped
 * under a name saying what is missing and how to get it, and the run's summary lists it (testenv/jest-skipped-
 * reporter.js). No test may skip or return early any other way: test/support/prerequisite.test.ts checks the sources.
 */

export interface Prerequisite {
  /** What the tests need, e.g. "Cluster API managers". */
  readonly what: string;
  /** What is not there (files, settings); empty when everything is. */
  readonly missing: readonly string[];
  /** How to get it, e.g. "build them with: bash testenv/build.sh". */
  readonly fix: string;
}

/** CI is on when $CI is set to anything but "", "0" or "false" (the convention CI services and `.ci/run` follow). */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}

/** run: everything is there; skip: missing on a developer machine; fail: missing under CI. */
export function prerequisiteMode(p: Prerequisite, env: NodeJS.ProcessEnv = process.env): 'run' | 'skip' | 'fail' {
  if (p.missing.length === 0) return 'run';
  return underCi(env) ? 'fail' : 'skip';
}

/** One line: what is missing and how to get it. */
export function missingMessage(p: Prerequisite): string {
  return `prerequisite missing: ${p.what} (${p.missing.join(', ')}); ${p.fix}`;
}

function standIn(p: Prerequisite, mode: 'skip' | 'fail'): void {
  if (mode === 'skip') test.skip(`SKIPPED, ${missingMessage(p)}`, () => undefined);
  else
    test(`FAILED, ${missingMessage(p)}`, () => {
      throw new Error(`${missingMessage(p)}\nCI is set: a missing prerequisite is a failure, not a skip`);
    });
}

/** `describe(name, fn)` when the prerequisite is there; otherwise one stand-in test that skips or fails. */
export function describeWith(p: Prerequisite, name: string, fn: () => void): void {
  const mode = prerequisiteMode(p);
  if (mode === 'run') describe(name, fn);
  else describe(name, () => standIn(p, mode));
}

/** `test(name, fn, timeout)` when the prerequisite is there; otherwise a stand-in test that skips or fails. */
export function testWith(p: Prerequisite, name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  const mode = prerequisiteMode(p);
  if (mode === 'run') test(name, fn, timeout);
  else describe(name, () => standIn(p, mode));
}

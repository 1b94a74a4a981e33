/**
 * The options more than one command takes, each with the one parser of its kind, so that every flag value is checked
 * while the command line is read, before any work starts, and a bad one is a usage error (exit 2) naming the flag.
 */
import { Argument, Option } from 'commander';
import { parseStackName } from '../model/naming';
import { parseDay } from '../k8s-versions/dates';
import { kubernetesVersionError } from '../k8s-versions/version';
import { MAX_DURATION_MS, formatDuration, parseDuration } from './duration';
import { UserError } from './errors';

/** `--at DATE` (YYYY-MM-DD, default today): the date every scs-0210 verdict is evaluated at. */
export function atOption(): Option {
  return new Option('--at <date>', 'evaluation date, YYYY-MM-DD (default: today)').argParser((s: string) => {
    try {
      return parseDay(s);
    } catch {
      throw new UserError(`--at: invalid date "${s}", expecting YYYY-MM-DD such as 2026-09-01`);
    }
  });
}

export const today = (): Date => parseDay(new Date());

/** `-o, --output <format>`: one of `choices` (the first is the default); anything else is a usage error. */
export function outputOption(choices: readonly string[] = ['table', 'json']): Option {
  return new Option('-o, --output <format>', 'output format').choices(choices).default(choices[0]);
}

/**
 * A duration flag such as `--timeout 5m`, parsed by parseDuration (see duration.ts): the command gets milliseconds,
 * the default included.
 */
export function durationOption(flags: string, description: string, defaultValue: string): Option {
  const option = new Option(flags, `${description} (e.g. 90s, 5m, 1h30m; at most ${formatDuration(MAX_DURATION_MS)})`);
  const name = option.long ?? flags;
  return option
    .argParser((s: string) => parseDuration(name, s))
    .default(parseDuration(name, defaultValue), defaultValue);
}

/** A whole number flag such as `--concurrency 4`, within 1..max. */
export function parseCount(flag: string, s: string, max: number): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > max)
    throw new UserError(`${flag}: invalid value "${s}", expecting a whole number from 1 to ${max}`);
  return n;
}

/** A whole number flag in 1..max; the command gets the number, the default included. */
export function countOption(flags: string, description: string, defaultValue: number, max: number): Option {
  const option = new Option(flags, `${description} (1 to ${max})`);
  const name = option.long ?? flags;
  return option.argParser((s: string) => parseCount(name, s, max)).default(defaultValue);
}

/** A Kubernetes version flag such as `--check v1.36.4`; the command gets the text as given, checked. */
export function kubernetesVersionOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  const name = option.long ?? flags;
  return option.argParser((s: string): string => {
    const problem = kubernetesVersionError(s);
    if (problem) throw new UserError(`${name}: ${problem}`);
    return s;
  });
}

// A DNS-1123 label (RFC 1123): what Kubernetes requires of a namespace name.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Our InputError from a flag check becomes a usage error (exit 2) naming the flag. */
export const asUsage = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (e) {
    throw new UserError((e as Error).message);
  }
};

/** `flag`'s value must be a DNS-1123 label of at most `max` characters (namespace names, prefixes of them). */
export function parseDnsLabel(flag: string, s: string, max = 63, what = 'a namespace name'): string {
  if (!DNS_LABEL.test(s) || s.length > max) {
    throw new UserError(
      `${flag}: invalid value "${s}": ${what} is at most ${max} characters of lower-case letters, digits and '-', ` +
        'starting and ending with a letter or digit (RFC 1123 label), e.g. cskit-probe',
    );
  }
  return s;
}

/**
 * `<stack>`: a synthesized stack's name, `<provider>-<stack>-<major>-<minor>-v<N>` (e.g. openstack-scs-1-36-v1), so
 * that a path (`../x`, `dist/openstack-scs-1-36-v1/`) or an empty name is a usage error before any file is read.
 */
export function stackArgument(description: string): Argument {
  return new Argument('<stack>', description).argParser((s: string) => {
    if (!parseStackName(s)) {
      throw new UserError(
        `<stack>: invalid stack name "${s}", expecting <provider>-<stack>-<major>-<minor>-v<N> such as ` +
          'openstack-scs-1-36-v1 (the folder name under --dist, not a path)',
      );
    }
    return s;
  });
}

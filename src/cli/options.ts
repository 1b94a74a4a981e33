import { Option } from 'commander';
import { parseDay } from '../k8s-versions/dates';
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

export function outputOption(choices: string[] = ['table', 'json']): Option {
  return new Option('-o, --output <format>', 'output format').choices(choices).default('table');
}

/** A whole number flag such as `--concurrency 4`, within 1..max. */
export function parseCount(flag: string, s: string, max: number): number {
  const n = Number(s);
  if (!/^\d+$/.test(s.trim()) || n < 1 || n > max)
    throw new UserError(`${flag}: invalid value "${s}", expecting a whole number from 1 to ${max}`);
  return n;
}

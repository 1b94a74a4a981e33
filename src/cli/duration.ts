import { UserError } from './errors';

/** `90s`, `5m`, `1h`, `300` (seconds) → milliseconds. */
export function parseDuration(flag: string, s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new UserError(`${flag}: invalid duration "${s}", expecting e.g. 90s, 5m or 1h`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
}

/**
 * The one parser of duration flags (`--timeout` of every command), so that every duration is read alike and no
 * value can reach a timer it would overflow. Syntax as kubectl reads durations (Go's time.ParseDuration: `90s`,
 * `1h30m`, `1.5h`, `300ms`; kubectl's `--request-timeout` also takes whole seconds: `300`). Bounds: more than zero
 * (a zero or negative timeout would time out at once and turn a slow but compliant answer into a FAIL), and at most
 * MAX_DURATION_MS, within the longest delay a Node.js timer keeps: a longer one fires after 1 ms instead (Node's
 * TimeoutOverflowWarning), and AbortSignal.timeout throws a RangeError beyond 2^32 ms. Go's own bound (2562047h)
 * is far above that, so nothing kubectl rejects is accepted here.
 */
import { UserError } from './errors';

/**
 * Every duration flag is at most 24 days (576h): a round bound below 2^31 - 1 ms (24.8 days), the largest delay a
 * Node.js timer keeps.
 */
export const MAX_DURATION_MS = 24 * 24 * 3_600_000;

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
// One term of a Go duration: a decimal number (`1`, `1.5`, `.5`, `1.`) and a unit; a duration is one or more terms.
const TERM = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
const HINT = 'expecting a number with a unit (ms, s, m, h) such as 90s, 5m or 1h30m, or whole seconds such as 300';

/** `1h30m` style text for a number of milliseconds, for messages and help. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  if (rest || !parts.length) parts.push(`${rest}ms`);
  return parts.join('');
}

/**
 * `90s`, `5m`, `1h30m`, `300` (whole seconds) → whole milliseconds, 1 ≤ ms ≤ `max` (≤ MAX_DURATION_MS). Throws a
 * usage error naming the flag, the value and the accepted form otherwise.
 */
export function parseDuration(flag: string, s: string, max: number = MAX_DURATION_MS): number {
  const bad = (why: string) => new UserError(`${flag}: invalid duration "${s}": ${why}`);
  const limit = Math.min(max, MAX_DURATION_MS);
  const sign = /^[-+]/.test(s) ? s[0] : '';
  const text = s.slice(sign.length);
  let ms = 0;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    TERM.lastIndex = 0;
    let end = 0;
    for (let m = TERM.exec(text); m; m = TERM.exec(text)) {
      ms += Number(m[1]) * UNIT_MS[m[2]];
      end = TERM.lastIndex;
    }
    if (!text || end !== text.length) {
      throw bad(/^(\d+\.\d*|\.\d+)$/.test(text) ? `a fraction needs a unit; ${HINT}` : HINT);
    }
  }
  if (sign === '-' && ms > 0) throw bad('must be longer than zero');
  // Number() of a very long digit string is Infinity or loses digits: either is far beyond the bound anyway.
  if (!Number.isFinite(ms) || ms > limit) throw bad(`longer than the longest allowed, ${formatDuration(limit)}`);
  const whole = Math.round(ms);
  if (ms === 0) throw bad('must be longer than zero');
  if (whole < 1) throw bad('shorter than the shortest allowed, 1ms');
  return whole;
}

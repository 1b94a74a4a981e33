// The one duration parser: kubectl's syntax (Go durations, or whole seconds), bounded so no timer overflows.

import { execFileSync } from 'child_process';
import { Command, Option } from 'commander';
import { fullProgram } from '../support/program';
import { MAX_DURATION_MS, formatDuration, parseDuration } from '../../src/cli/duration';
import { runCli } from '../support/cli';

test.each([
  ['90s', 90_000],
  ['5m', 300_000],
  ['1h', 3_600_000],
  ['1h30m', 5_400_000],
  ['1.5h', 5_400_000],
  ['.5s', 500],
  ['300ms', 300],
  ['1500us', 2], // rounded to whole milliseconds
  ['300', 300_000], // whole seconds, as kubectl --request-timeout reads them
  ['+2m', 120_000],
  ['576h', MAX_DURATION_MS],
])('parseDuration(%j) = %d ms', (s, ms) => {
  expect(parseDuration('--timeout', s)).toBe(ms);
});

test.each([
  ['720h', /longer than the longest allowed, 576h/], // beyond Node's 24.8-day timer: would fire after 1 ms
  ['99999999h', /longer than the longest allowed, 576h/], // AbortSignal.timeout would throw a RangeError
  ['9'.repeat(400) + 'h', /longer than the longest allowed/], // Number() is Infinity
  ['9'.repeat(30), /longer than the longest allowed/], // whole seconds, 30 digits
  ['576h0m0.001s', /longer than the longest allowed/],
  ['0', /must be longer than zero/],
  ['0s', /must be longer than zero/],
  ['-5m', /must be longer than zero/],
  ['-1', /must be longer than zero/],
  ['1ns', /shorter than the shortest allowed, 1ms/],
  ['1.5', /a fraction needs a unit/],
  ['', /expecting a number with a unit/],
  ['soon', /expecting a number with a unit/],
  ['5 m', /expecting a number with a unit/],
  [' 5m', /expecting a number with a unit/],
  ['5m ', /expecting a number with a unit/],
  ['5d', /expecting a number with a unit/],
  ['1e3s', /expecting a number with a unit/],
  ['5M', /expecting a number with a unit/],
  ['h', /expecting a number with a unit/],
  ['1h-30m', /expecting a number with a unit/],
  ['0x10s', /expecting a number with a unit/],
  ['Infinity', /expecting a number with a unit/],
])('parseDuration(%j) is a usage error: %s', (s, why) => {
  let err: unknown;
  try {
    parseDuration('--timeout', s);
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name: 'UserError', exitCode: 2 });
  expect((err as Error).message).toMatch(
    new RegExp(`^--timeout: invalid duration ${JSON.stringify(s).replace(/[.*+?^$()|[\]\\]/g, '\\$&')}: `),
  );
  expect((err as Error).message).toMatch(why);
});

test('a smaller bound given by a flag applies', () => {
  expect(parseDuration('--x', '10m', 600_000)).toBe(600_000);
  expect(() => parseDuration('--x', '11m', 600_000)).toThrow(
    '--x: invalid duration "11m": longer than the longest allowed, 10m',
  );
});

test('formatDuration writes hours, minutes, seconds and milliseconds', () => {
  expect(formatDuration(MAX_DURATION_MS)).toBe('576h');
  expect(formatDuration(5_400_500)).toBe('1h30m500ms');
  expect(formatDuration(0)).toBe('0ms');
});

/** Every [path, option] of the program whose value is a duration. */
function durationFlags(cmd: Command, path: string[] = []): Array<[string[], Option, Command]> {
  const out: Array<[string[], Option, Command]> = [];
  for (const o of cmd.options) if (o.flags.includes('<duration>')) out.push([path, o, cmd]);
  for (const c of cmd.commands) out.push(...durationFlags(c, [...path, c.name()]));
  return out;
}

/** Placeholders for a command's required arguments and options (parsing stops at the bad flag before use). */
const positionals = (cmd: Command): string[] => [
  ...cmd.registeredArguments.filter((a) => a.required).map(() => 'x'),
  ...cmd.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, 'x']),
];

const flags = durationFlags(fullProgram());

test('the program has duration flags (so the per-flag test below checks something)', () => {
  expect(flags.map(([p, o]) => `${p.join(' ')} ${o.long}`)).toEqual(
    expect.arrayContaining(['versions update --timeout', 'verify cluster --timeout', 'apply --timeout']),
  );
});

describe.each(flags.map(([p, o, c]) => [`${p.join(' ')} ${o.long}`, p, o, c] as const))(
  '%s goes through the one duration parser',
  (_name, path, option, cmd) => {
    test.each(['720h', '99999999h', '0', 'soon'])('%j is a usage error (exit 2) naming the flag', async (bad) => {
      const r = await runCli([...path, ...positionals(cmd), option.long!, bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^cskit: ${option.long}: invalid duration "${bad}": `));
      expect(r.stdout).toBe('');
    });

    test('its default is a parsed duration in milliseconds', () => {
      expect(typeof option.defaultValue).toBe('number');
      expect(option.defaultValue).toBe(parseDuration(option.long!, String(option.defaultValueDescription)));
    });
  },
);

/** What a fresh Node process reports when a real timer of `ms` is set (outside jest, whose timers are sandboxed). */
function timerWarnings(ms: number): string {
  const script =
    'process.on("warning", (w) => console.log(w.name));' +
    `clearTimeout(setTimeout(() => {}, ${ms}));` +
    `try { AbortSignal.timeout(${ms}); } catch (e) { console.log(e.name); }` + // versions update's per-request timer
    'setImmediate(() => {});';
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

test('the longest accepted duration is a timer Node keeps (a longer one overflows and fires after 1 ms)', () => {
  expect(timerWarnings(parseDuration('--timeout', '576h'))).toBe('');
  // The check above can fail: 720h (the case) overflows, 99999999h makes AbortSignal.timeout throw.
  expect(timerWarnings(720 * 3_600_000)).toContain('TimeoutOverflowWarning');
  expect(timerWarnings(99_999_999 * 3_600_000)).toContain('RangeError');
});

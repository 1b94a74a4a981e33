/** Waiting in e2e tests: THE poll loop every e2e file and support module uses. */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns something other than undefined; on timeout the error names what was awaited, the
 * last value seen (`fn` may return it through `last`) and whatever `explain` adds (e.g. the manager's log).
 */
export async function until<T>(
  what: string,
  fn: (last: (v: unknown) => void) => Promise<T | undefined>,
  o: { timeoutMs?: number; everyMs?: number; explain?: () => string } = {},
): Promise<T> {
  const end = Date.now() + (o.timeoutMs ?? 120_000);
  let seen: unknown;
  for (;;) {
    const v = await fn((x) => (seen = x));
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new Error(
        `timed out after ${Math.round((o.timeoutMs ?? 120_000) / 1000)} s waiting for ${what}` +
          (seen === undefined ? '' : `; last seen: ${JSON.stringify(seen, null, 1)}`) +
          (o.explain ? `\n${o.explain()}` : ''),
      );
    await sleep(o.everyMs ?? 500);
  }
}

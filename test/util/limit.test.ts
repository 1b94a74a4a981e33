import { mapLimit } from '../../src/util/limit';

test('mapLimit keeps order and never runs more than the limit at once', async () => {
  let running = 0;
  let peak = 0;
  const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, n * 5));
    running--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30]);
  expect(peak).toBe(2);
});

test('mapLimit runs one at a time for a limit below 1 and handles no items', async () => {
  let peak = 0;
  let running = 0;
  const out = await mapLimit([1, 2, 3], 0, async (n) => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 2));
    running--;
    return n;
  });
  expect(out).toEqual([1, 2, 3]);
  expect(peak).toBe(1);
  expect(await mapLimit([], 4, async () => 1)).toEqual([]);
});

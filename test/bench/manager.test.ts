/** `bench:manager` arguments: the cluster counts and the steady-state window, and a usage error for anything else. */
import { parseArgs } from '../../bench/manager';

test('bench:manager: --clusters takes one N or a comma list (each 1–20), --steady seconds; 5 and 60 by default', () => {
  expect(parseArgs([])).toEqual({ clusters: [5], steadySeconds: 60 });
  expect(parseArgs(['--clusters', '10'])).toEqual({ clusters: [10], steadySeconds: 60 });
  expect(parseArgs(['--clusters=5,10,20', '--steady', '30'])).toEqual({
    clusters: [5, 10, 20],
    steadySeconds: 30,
  });
});

test('bench:manager: counts out of 1–20, a bad window and unknown arguments are errors naming the usage', () => {
  expect(() => parseArgs(['--clusters', '21'])).toThrow(
    /--clusters: "21" is not a list of numbers from 1 to 20; usage:/,
  );
  expect(() => parseArgs(['--clusters', '0'])).toThrow(/"0" is not a list of numbers/);
  expect(() => parseArgs(['--clusters', '5,,10'])).toThrow(/"5,,10" is not a list/);
  expect(() => parseArgs(['--clusters'])).toThrow(/--clusters: "" is not a list/);
  expect(() => parseArgs(['--steady', '5'])).toThrow(/--steady: "5" is not a number of seconds from 10 to 600/);
  expect(() => parseArgs(['--nodes', '2'])).toThrow(/unknown argument "--nodes"; usage: npm run bench:manager/);
});

/** `capi-up.js` arguments: the workload API server count, and a clear usage error for anything else. */
import { parseArgs } from '../../testenv/capi-up';

test('capi-up: --workload-clusters N (or =N) sets the number of workload API servers, 0 by default', () => {
  expect(parseArgs([])).toEqual({ workloadClusters: 0 });
  expect(parseArgs(['--workload-clusters', '1'])).toEqual({ workloadClusters: 1 });
  expect(parseArgs(['--workload-clusters=3'])).toEqual({ workloadClusters: 3 });
});

test('capi-up: a missing, non-numeric or too large count and unknown arguments are errors naming the usage', () => {
  expect(() => parseArgs(['--workload-clusters'])).toThrow(/--workload-clusters: "" is not a number from 0 to 20/);
  expect(() => parseArgs(['--workload-clusters', 'two'])).toThrow(/"two" is not a number from 0 to 20; usage:/);
  expect(() => parseArgs(['--workload-clusters', '21'])).toThrow(/"21" is not a number from 0 to 20/);
  expect(() => parseArgs(['--workload-clusters', '-1'])).toThrow(/"-1" is not a number/);
  expect(() => parseArgs(['--workers', '2'])).toThrow(
    /unknown argument "--workers"; usage: node lib\/testenv\/capi-up\.js/,
  );
});

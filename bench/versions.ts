/**
 * Version engine benchmark (issue "Kubernetes version intelligence"): evaluate 10,000 versions against the
 * full bundled data, in process. Anchor: ≥ 100,000 evaluations/s. Run: `npm run bench:versions`.
 */
import { bundledVersionData } from '../src/k8s-versions/data';
import { parseDay } from '../src/k8s-versions/dates';
import { evaluateClusterVersion, evaluateOffering } from '../src/k8s-versions/policy';

const data = bundledVersionData();
// Every known patch plus vendor-suffixed, unknown and garbage variants, cycled to 10,000 inputs.
const known = data.branches.flatMap((b) => b.patches.map((p) => p.version));
const variants = known.flatMap((v) => [v, `v${v}+k3s1`, `v${v}-gke.100`]).concat(['1.99.0', 'garbage', 'v1.19.3']);
const inputs = Array.from({ length: 10_000 }, (_, i) => variants[i % variants.length]);
const dates = ['2024-12-10', '2025-09-01', '2026-09-01'].map(parseDay);

function measure(label: string, fn: () => void, count: number): number {
  fn(); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const s = runs.sort((a, b) => a - b)[2];
  const rate = count / s;
  console.log(
    `${label.padEnd(56)} ${(s * 1000).toFixed(1).padStart(8)} ms  ` +
      `${Math.round(rate).toLocaleString('en').padStart(12)}/s  ${(rate / 100_000).toFixed(2)}× of 100k/s target`,
  );
  return rate;
}

console.log(
  `data: ${data.branches.length} branches, ${known.length} patches, ${data.cves.length} CVEs; ${inputs.length} ` +
    `inputs (${variants.length} distinct)`,
);
for (const at of dates) {
  measure(
    `evaluateClusterVersion × ${inputs.length} at ${at.toISOString().slice(0, 10)}`,
    () => {
      for (const v of inputs) evaluateClusterVersion(v, at, data);
    },
    inputs.length,
  );
}
const offering = ['1.34.11', '1.35.8', '1.36.4'];
measure(
  'evaluateOffering (3 versions) × 10,000',
  () => {
    for (let i = 0; i < 10_000; i++) evaluateOffering(offering, dates[2], data);
  },
  10_000,
);

import { Command } from 'commander';
import { VersionData, loadVersionData } from '../../k8s-versions/data';
import { formatDay } from '../../k8s-versions/dates';
import { Finding, POLICY, evaluateClusterVersion, evaluateOffering, recommend } from '../../k8s-versions/policy';
import { UpdateError, updateVersionData } from '../../k8s-versions/update';
import { EXIT_ABORT, EXIT_FAIL, UserError } from '../errors';
import { atOption, durationOption, kubernetesVersionOption, outputOption, today } from '../options';
import { table } from '../../util/table';

interface VersionsFlags {
  at?: Date;
  check?: string;
  output: 'table' | 'json';
}

const mark = (f: Finding) => ({ error: 'FAIL', warning: 'WARN', info: 'info' })[f.severity];
const print = (s: string) => process.stdout.write(s);

function printFindings(findings: readonly Finding[]): void {
  for (const f of findings) print(`${mark(f).padEnd(4)}  ${f.message}\n`);
}

function overview(data: VersionData, at: Date, output: string): void {
  const rec = recommend(at, data);
  const offering = evaluateOffering(
    rec.versions.map((v) => v.version),
    at,
    data,
  );
  const criticalCves = data.cves
    .filter((c) => (c.cvss?.score ?? 0) >= POLICY.criticalCvssScore)
    .map((c) => ({ id: c.id, cvss: c.cvss, published: c.published, fixedIn: c.fixedIn }));
  if (output === 'json') {
    const json = {
      at: rec.at,
      dataAsOf: rec.dataAsOf,
      cvesAsOf: formatDay(data.cvesAsOf),
      origin: data.origin,
      sources: data.file.provenance,
      recommended: rec.versions,
      branches: offering.branches,
      criticalCves,
      findings: rec.findings,
    };
    print(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const cveDate = formatDay(data.cvesAsOf);
  const cveNote = cveDate === rec.dataAsOf ? '' : `, CVE data as of ${cveDate}`;
  print(`Kubernetes versions at ${rec.at} (data as of ${rec.dataAsOf}${cveNote}, ${data.origin})\n\n`);
  print(
    table(
      ['branch', 'released', 'end of life', 'supported', 'latest patch', 'patch released', 'source', 'offer by'],
      // Supported branches plus those that ended within the last year, newest first.
      offering.branches
        .slice()
        .reverse()
        .filter((b) => b.supported || Date.parse(b.endOfLife) > at.getTime() - 365 * 86_400_000)
        .map((b) => {
          const r = rec.versions.find((v) => v.minor === b.minor);
          return [
            b.minor,
            b.releaseDate,
            b.endOfLifeEstimated ? `~${b.endOfLife}` : b.endOfLife,
            b.supported ? 'yes' : 'no',
            b.latestPatch ?? '-',
            b.latestPatchDate ?? '-',
            b.latestPatchSource ?? '-',
            r ? (r.minorOfferBy ? `${r.offerBy} (minor by ${r.minorOfferBy})` : r.offerBy) : '-',
          ];
        }),
    ),
  );
  if (offering.branches.some((b) => b.endOfLifeEstimated))
    print('\n~ end of life estimated from the upstream support policy (14 months; no source gives it yet)\n');
  print(`\nTo offer now: ${rec.versions.map((v) => v.version).join(', ')}\n`);
  const cveList = criticalCves.map((c) => `${c.id} (${c.cvss?.score}, fixed in ${c.fixedIn.join('/')})`).join('; ');
  print(`Critical CVEs (CVSS >= ${POLICY.criticalCvssScore}): ${cveList || 'none'}\n`);
  if (rec.findings.length) {
    print('\n');
    printFindings(rec.findings);
  }
}

/** `cskit versions`: supported branches, latest patches, deadlines, critical CVEs; `--check` judges one version. */
export function register(program: Command): void {
  const versions = program
    .command('versions')
    .description(
      'Kubernetes branches, patches, deadlines and critical CVEs per scs-0210 (offline, from bundled or updated data)',
    )
    .addOption(atOption())
    .addOption(
      kubernetesVersionOption(
        '--check <version>',
        'judge one Kubernetes version (vMAJOR.MINOR.PATCH, e.g. v1.36.4+k3s1) at --at; exit 1 on FAIL',
      ),
    )
    .addOption(outputOption())
    .action((flags: VersionsFlags) => {
      const at = flags.at ?? today();
      const data = loadVersionData();
      if (flags.check === undefined) return overview(data, at, flags.output);
      const result = evaluateClusterVersion(flags.check, at, data);
      if (flags.output === 'json') print(`${JSON.stringify(result, null, 2)}\n`);
      else {
        print(`${result.version}: ${result.verdict} (at ${at.toISOString().slice(0, 10)})\n`);
        printFindings(result.findings);
      }
      if (result.verdict === 'FAIL') process.exitCode = EXIT_FAIL;
    });

  versions
    .command('update')
    .description(
      'fetch current releases (release-data and the Go module proxy in $GOPROXY), end-of-life dates and CVEs into ' +
        'the user cache (the bundled snapshot stays the fallback)',
    )
    .addOption(durationOption('--timeout <duration>', 'time each request may take', '15s'))
    .action(async (flags: { timeout: number }) => {
      const timeoutMs = flags.timeout;
      try {
        const r = await updateVersionData({ timeoutMs, log: (l) => process.stderr.write(`${l}\n`) });
        const cves = r.cvesKept ? `${r.cves} CVEs kept as they were (CVE data as of ${r.cvesAsOf})` : `${r.cves} CVEs`;
        print(`wrote ${r.file}: ${r.branches} branches, ${r.patches} patches, ${cves}, data as of ${r.dataAsOf}\n`);
        for (const p of r.problems) process.stderr.write(`skipped: ${p}\n`);
      } catch (e) {
        if (e instanceof UpdateError) throw new UserError(`versions update: ${e.message}`, EXIT_ABORT);
        throw e;
      }
    });
}

/**
 * The cdk8s app entry (`cdk8s synth` runs it with CDK8S_OUTDIR): synthesizes every stack in
 * stacks.lock.json into dist/. CSKIT_CAPI_API_VERSION=v1beta1 emits v1beta1 for older management clusters.
 */
import '../util/compile-cache'; // first: what follows loads through it
import { readLock } from '../model/lock';
import { CapiApiVersion } from '../model/stack';
import { synthesize, writeStacks } from './synth';

function main(): number {
  const apiVersion = (process.env.CSKIT_CAPI_API_VERSION ?? 'v1beta2') as CapiApiVersion;
  if (apiVersion !== 'v1beta2' && apiVersion !== 'v1beta1') {
    process.stderr.write(
      `cskit synth: CSKIT_CAPI_API_VERSION="${apiVersion}" is invalid; use v1beta2 (default) or v1beta1\n`,
    );
    return 2;
  }
  try {
    const { stacks, lockMismatches } = synthesize(readLock(), { capiApiVersion: apiVersion });
    for (const m of lockMismatches) process.stderr.write(`warning: ${m}\n`);
    writeStacks(stacks, process.env.CDK8S_OUTDIR ?? 'dist');
    return 0;
  } catch (e) {
    process.stderr.write(`cskit synth: ${(e as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main();

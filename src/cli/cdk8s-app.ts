/**
 * The cdk8s app entry (`cdk8s synth` runs it with CDK8S_OUTDIR): synthesizes every stack in
 * stacks.lock.json into dist/. CSKIT_CAPI_API_VERSION=v1beta1 emits v1beta1 for older management clusters.
 * An entry point like the CLI, so it is the one place (with the CLI) that hands the shipped definitions of
 * classes/ to synth; synth itself never imports them.
 */
import '../util/compile-cache'; // first: what follows loads through it
import { definitions } from '../../classes';
import { readLock } from '../model/lock';
import { CapiApiVersion } from '../model/stack';
import { synthesize, writeStacks } from '../synth/synth';
import { isInputError } from '../util/errors';

function main(): number {
  const apiVersion = (process.env.CSKIT_CAPI_API_VERSION ?? 'v1beta2') as CapiApiVersion;
  if (apiVersion !== 'v1beta2' && apiVersion !== 'v1beta1') {
    process.stderr.write(
      `cskit synth: CSKIT_CAPI_API_VERSION="${apiVersion}" is invalid; use v1beta2 (default) or v1beta1\n`,
    );
    return 2;
  }
  try {
    const { stacks, lockMismatches } = synthesize(readLock(), definitions, { capiApiVersion: apiVersion });
    for (const m of lockMismatches) process.stderr.write(`warning: ${m}\n`);
    writeStacks(stacks, process.env.CDK8S_OUTDIR ?? 'dist', { flag: 'output folder' });
    return 0;
  } catch (e) {
    process.stderr.write(`cskit synth: ${(e as Error).message}\n`);
    return isInputError(e) ? 2 : 1;
  }
}

process.exitCode = main();

/**
 * bench:synth's like-for-like side of the helm anchor, run as its own process like `helm template`: what the SCS
 * cluster-class chart renders (the ClusterClass and its templates, plus metadata.yaml) for every stack version in the
 * given lock, with every class check synth runs (object validation, class rules), written atomically as `cskit synth`
 * writes. No addons (SCS ships them in a separate chart), hence no lock check (the lock's hash covers the addons).
 * The full `cskit synth` is measured beside it. Usage: node lib/bench/synth-class.js <lock file> <output dir>
 */
import '../src/util/compile-cache'; // first: what follows loads through it
import { definitions } from '../classes';
import { readLock } from '../src/model/lock';
import { synthesize, writeStacks } from '../src/synth/synth';

const [lockFile, outdir] = process.argv.slice(2);
writeStacks(synthesize(readLock(lockFile), definitions, { addons: false }).stacks, outdir);

/**
 * Imported first by the entry points (bin/cskit, the cdk8s app, bench:synth's class entry) for its effect: turns
 * on Node's on-disk compile cache (`module.enableCompileCache()`, Node ≥ 22.1), so that later runs load cdk8s and
 * the rest from cached V8 code instead of compiling ~150 modules again (the larger part of a short synth). The
 * cache sits in Node's default place (the OS temp dir, or $NODE_COMPILE_CACHE) and is keyed by Node itself on the
 * file contents and the Node version. A no-op on Node 20, which lacks it; `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 */
import * as nodeModule from 'module';

const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
try {
  enable?.();
} catch {
  // A cache that cannot be set up (read-only temp dir) only costs speed.
}

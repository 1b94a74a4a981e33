/**
 * Build step (`npm run build`, `npm ci`): compiles the class-rule validators of every variable schema the shipped
 * stack definitions use (for every minor in stacks.lock.json) to ajv standalone code in one module beside
 * class-rules-schema.js, so that `cskit synth` runs every class check without loading ajv or compiling a schema
 * (~65 ms CPU of a synth). A schema the file lacks (a definition changed since the build) is compiled in the run.
 * Generated build output: never committed.
 */
import * as fs from 'fs';
import { definitions } from '../classes';
import { readLock } from '../src/model/lock';
import { PRECOMPILED_FILE, precompiledValidatorsModule } from '../src/model/class-rules-schema';
import { synthesize } from '../src/synth/synth';

const started = Date.now();
process.env.CSKIT_CLASS_RULES_PRECOMPILED = 'off'; // compile every validator afresh in this process
fs.rmSync(PRECOMPILED_FILE, { force: true });
let note = '';
try {
  // Classes only: the addons hold no class rules.
  synthesize(readLock(), definitions, { addons: false });
} catch (e) {
  // A definition or lock being edited must not break the build: `cskit synth` reports it with its place; what was
  // compiled up to here is kept, the rest compiles at run time.
  note = ` (synth of the shipped definitions stopped: ${(e as Error).message.split('\n')[0]})`;
}
const { code, count } = precompiledValidatorsModule();
const tmp = `${PRECOMPILED_FILE}.${process.pid}.tmp`;
fs.writeFileSync(tmp, code);
fs.renameSync(tmp, PRECOMPILED_FILE);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`precompiled ${count} class-rule validators into ${PRECOMPILED_FILE} in ${seconds} s${note}`);

/**
 * Build step (`npm run build`, `npm ci`): compiles the validator of every kind in the schema bundle to ajv standalone
 * code under lib/schema-validators/, so that `cskit verify` loads code instead of compiling schemas, also on its
 * first run on a machine. Generated build output: never committed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SchemaRegistry } from '../src/schema/registry';

// lib/schema-validators when compiled (lib/scripts/), where shippedSchemaDir() looks
const dir = path.resolve(__dirname, '..', 'schema-validators');
const started = Date.now();
fs.rmSync(dir, { recursive: true, force: true }); // validators of an older bundle or compiler would only take space
const n = new SchemaRegistry(undefined, dir, null).compileAll();
console.log(`precompiled ${n} schema validators into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

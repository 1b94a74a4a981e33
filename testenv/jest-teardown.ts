// Jest globalTeardown of the e2e project: stops the cluster jest-setup.ts started (its state file is named by
// STATE_ENV); nothing to do when the tests ran against an existing cluster.

import * as fs from 'fs';
import { STATE_ENV, stopEnv } from './harness';

export default async function teardown(): Promise<void> {
  const file = process.env[STATE_ENV];
  if (!file || !fs.existsSync(file)) return;
  await stopEnv(JSON.parse(fs.readFileSync(file, 'utf8')));
}

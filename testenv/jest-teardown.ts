import * as fs from 'fs';
import { STATE_ENV, stopEnv } from './harness';

export default async function teardown(): Promise<void> {
  const file = process.env[STATE_ENV];
  if (!file || !fs.existsSync(file)) return;
  await stopEnv(JSON.parse(fs.readFileSync(file, 'utf8')));
}

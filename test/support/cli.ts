import { run } from '../../src/cli/index';
import { capture } from './capture';

/** Runs the CLI in process as `cskit <args>` would, capturing what it prints; process.exitCode is left as found. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture(process.stdout);
  const err = capture(process.stderr);
  process.exitCode = undefined; // actions set it and run() reads it; it would outlive one call
  try {
    const code = await run(args);
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    out.restore();
    err.restore();
    process.exitCode = undefined;
  }
}

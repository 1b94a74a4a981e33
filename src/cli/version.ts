import * as fs from 'fs';
import * as path from 'path';

/** The package version, read from package.json wherever the code runs from (src/ or lib/src/). */
export function version(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    const p = path.join(__dirname, rel);
    if (fs.existsSync(p)) return JSON.parse(fs.readFileSync(p, 'utf8')).version;
  }
  return '0.0.0';
}

// Jest reporter (both projects, see jest.config.js): after jest's own summary, lists every test that did not run, by
// file and full name. A test skipped for a missing prerequisite (test/support/prerequisite.ts) carries what is missing
// and how to get it in its name, so a local run says exactly what it did not check. Plain JavaScript: jest loads
// reporters before anything is compiled.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads reporters as CommonJS
const path = require('path');

/** Lines naming every test of `results` (jest's AggregatedResult) that was skipped or left as todo. */
function skippedLines(results, rootDir) {
  const lines = [];
  for (const file of results.testResults ?? []) {
    const rel = path.relative(rootDir, file.testFilePath);
    for (const t of file.testResults ?? [])
      if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
        lines.push(`${rel} › ${t.fullName ?? t.title}`);
  }
  return lines;
}

class SkippedReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }
  onRunComplete(_contexts, results) {
    const lines = skippedLines(results, this.globalConfig.rootDir);
    if (!lines.length) return;
    if (this.globalConfig.testNamePattern) {
      process.stderr.write(
        `\n${lines.length} test(s) not run: filtered out by -t ${this.globalConfig.testNamePattern}\n`,
      );
      return;
    }
    process.stderr.write(`\nDid not run (${lines.length}):\n${lines.map((l) => `  ${l}\n`).join('')}`);
  }
}

module.exports = SkippedReporter;
module.exports.skippedLines = skippedLines;

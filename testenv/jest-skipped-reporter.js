// Jest reporter (both projects, see jest.config.js): after jest's own summary, lists every test that did not run, by
// file and full name. A test skipped for a missing prerequisite (test/support/prerequisite.ts) carries what is missing
// and how to get it in its name, so a local run says exactly what it did not check. Plain JavaScript: jest loads
// reporters before anything is compiled.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads reporters as CommonJS
const path = require('path');

/** What test/support/prerequisite.ts puts in the name of a test it skips. */
const MISSING = 'prerequisite missing:';

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
    let lines = skippedLines(results, this.globalConfig.rootDir);
    const pattern = this.globalConfig.testNamePattern;
    if (pattern) {
      // With -t every other test is skipped too: name only those skipped for a missing prerequisite.
      const filtered = lines.filter((l) => !l.includes(MISSING));
      lines = lines.filter((l) => l.includes(MISSING));
      if (filtered.length)
        process.stderr.write(`\n${filtered.length} test(s) not run: filtered out by -t ${pattern}\n`);
    }
    if (lines.length)
      process.stderr.write(`\nDid not run (${lines.length}):\n${lines.map((l) => `  ${l}\n`).join('')}`);
  }
}

module.exports = SkippedReporter;
module.exports.skippedLines = skippedLines;

/**
 * docs/limits.md states every bound cskit enforces; this test reads the numbers from the code that enforces them and
 * fails when the page and the code disagree, so neither can drift.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MAX_DURATION_MS } from '../src/cli/duration';
import { EXEC_TIMEOUT_MS } from '../src/kube/exec';
import { MAX_BODY, TIMEOUTS, WATCH_SECONDS } from '../src/kube/transport';
import { MAX_VERSION_LENGTH, MAX_VERSION_NUMBER } from '../src/k8s-versions/version';
import { INPUT_LIMITS } from '../src/util/yaml';

const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'limits.md'), 'utf8');
const MiB = 1024 * 1024;
const row = (label: string) => doc.split('\n').find((l) => l.startsWith(`| ${label}`)) ?? `(no row "${label}")`;

test('every input kind has its size limit in the table', () => {
  const rows: Record<keyof typeof INPUT_LIMITS, string> = {
    manifest: 'manifest file',
    cluster: 'Cluster file',
    kubeconfig: 'kubeconfig',
    lock: 'lock file',
    metadata: '`metadata.yaml`',
    'addon-index': 'addon index',
    data: 'data file',
  };
  for (const [kind, limit] of Object.entries(INPUT_LIMITS))
    expect(`${kind}: ${row(rows[kind as keyof typeof rows])}`).toMatch(
      new RegExp(`^${kind}: .*\\| ${limit.bytes / MiB} MiB \\|$`),
    );
});

test('server time limits match the transport', () => {
  expect(row('TCP connect')).toContain(`| ${TIMEOUTS.connectMs / 1000} s |`);
  expect(row('TLS handshake')).toContain(`| ${TIMEOUTS.handshakeMs / 1000} s |`);
  expect(row('each request')).toContain(`| ${TIMEOUTS.requestMs / 1000} s |`);
  expect(row('each discovery request')).toContain(`| ${TIMEOUTS.discoveryMs / 1000} s |`);
  expect(row('a watch with no byte')).toContain(`| ${TIMEOUTS.watchIdleMs / 1000} s (`);
  expect(row('a watch with no byte')).toContain(`each watch after ${WATCH_SECONDS} s`);
  expect(row('an exec credential plugin')).toContain(`| ${EXEC_TIMEOUT_MS / 1000} s |`);
  expect(row('largest answer accepted')).toContain(`| ${MAX_BODY / MiB} MiB |`);
});

test('flag bounds match their parsers', () => {
  expect(doc).toContain(`at most ${MAX_DURATION_MS / 3_600_000}h`);
  expect(doc).toContain(`at most ${MAX_VERSION_LENGTH} characters, each number at most ${MAX_VERSION_NUMBER}`);
});

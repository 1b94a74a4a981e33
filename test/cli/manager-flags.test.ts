import { runCli } from '../support/cli';

// `cskit manager`'s operations flags are checked while the command line is read: a bad one is exit 2 with one line
// naming the flag, before any cluster is contacted (the kubeconfig given does not exist).
const manager = (...args: string[]) => runCli(['manager', '--kubeconfig', '/nonexistent/kubeconfig', ...args]);

describe('cskit manager: bad operations flags are usage errors (exit 2), never a stack trace', () => {
  test.each([
    [['--selector', 'shard in (a'], /^cskit: --selector: invalid label selector "shard in \(a": /],
    [['--selector', 'shard=a,'], /--selector: .*an empty requirement/],
    [['--bogus-flag'], /unknown option '--bogus-flag'/],
    [['--metrics-bind-address', 'localhost'], /--metrics-bind-address: "localhost" is not host:port/],
    [['--metrics-bind-address', '0.0.0.0:99999'], /--metrics-bind-address: .* is not host:port/],
    [['--log-format', 'xml'], /argument 'xml' is invalid. Allowed choices are text, json/],
    [
      ['--leader-elect', '--leader-elect-renew-deadline', '20s'],
      /lease duration must be longer than the renew deadline/,
    ],
    [['--leader-elect', '--leader-elect-retry-period', '9s'], /renew deadline must be longer than 1.2 x the retry/],
    [['--leader-elect-lease-name', 'Bad_Name'], /--leader-elect-lease-name/],
  ])('%j', async (args, message) => {
    const r = await manager(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  test('the documented defaults: metrics on 0.0.0.0:8080, leader election timings of controller-runtime', async () => {
    const r = await runCli(['manager', '--help']);
    expect(r.stdout).toMatch(/--metrics-bind-address <host:port>[\s\S]*default: 0\.0\.0\.0:8080/);
    expect(r.stdout).toMatch(/--leader-elect-lease-duration <duration>[\s\S]*default: 15s/);
    expect(r.stdout).toMatch(/--leader-elect-renew-deadline <duration>[\s\S]*default: 10s/);
    expect(r.stdout).toMatch(/--leader-elect-retry-period <duration>[\s\S]*default: 2s/);
  });
});

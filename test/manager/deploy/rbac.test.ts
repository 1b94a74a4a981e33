import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../../src/manager/deploy/rbac';

const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'manager.md'), 'utf8');
const start = doc.indexOf('### RBAC');
const section = doc.slice(start, doc.indexOf('\n### ', start + 1));

test("docs/manager.md's RBAC table is the rule list: id, group, resource, verbs, scope, reason", () => {
  const rows = section
    .split('\n')
    .filter((l) => /^\| `[a-z-]+` \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()));
  expect(rows.map((r) => r[1].replace(/`/g, ''))).toEqual(RULES.map((r) => r.id));
  for (const [row, rule] of rows.map((r, i) => [r, RULES[i]] as const)) {
    expect(row[2]).toBe(rule.apiGroup || '(core)');
    const names = rule.resourceNames?.map((n) => `\`${n}\``).join(', ');
    expect(row[3]).toBe(`\`${rule.resource}\`${names ? ` named ${names}` : ''}`);
    expect(row[4]).toBe(rule.verbs.join(', '));
    expect(row[5]).toBe(rule.scope === 'cluster' ? 'cluster' : 'manager namespace');
    expect(row[6]).toBe(rule.why);
  }
});

test('no rule holds a wildcard, and Secrets are only read by name', () => {
  for (const r of RULES) expect([r.apiGroup, r.resource, ...r.verbs]).not.toContain('*');
  expect(RULES.filter((r) => r.resource === 'secrets').map((r) => r.verbs)).toEqual([['get']]);
});

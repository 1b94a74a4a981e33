// docs/stacks.md is the user's reference for the class; it must not fall behind the definition.

import * as fs from 'fs';
import * as path from 'path';
import { variables } from '../classes/openstack-scs/variables';
import { patches } from '../classes/openstack-scs/patches';

const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'stacks.md'), 'utf8');

test.each(variables.map((v) => [v.name, v] as const))(
  'docs/stacks.md documents variable %s with its default',
  (name, v) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    expect(row).toBeDefined();
    if (v.schema.default !== undefined) expect(row).toContain(JSON.stringify(v.schema.default));
  },
);

test('docs/stacks.md lists every patch', () => {
  for (const p of patches) expect(doc).toContain(`| \`${p.name}\` |`);
});

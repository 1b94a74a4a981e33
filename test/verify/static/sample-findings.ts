/**
 * Three findings the report tests (table, JSON, scs, JUnit) share: an error with object and path whose message holds
 * characters every format must escape (quotes, <, &, a control character), a warning, and a whole-set error.
 */
import { StaticFinding } from '../../../src/verify/static/finding';

export const findings: StaticFinding[] = [
  {
    rule: 'capi/patch-op',
    severity: 'error',
    stack: 'a',
    message: 'op "move" <not> & \'allowed\'\u0007',
    fix: 'use add',
    object: 'ClusterClass a',
    path: 'spec.patches[0]',
  },
  {
    rule: 'scs-0211/unknown-provisioner',
    severity: 'warning',
    stack: 'b',
    message: 'x.example.com is not known',
    fix: 'f',
  },
  { rule: 'scs-0210/branch-missing', severity: 'error', stack: '(all stacks)', message: 'branch 1.35 missing' },
];

import { Command } from 'commander';
import { registerVerifyCluster } from './verify-cluster';

/** `cskit verify`: checks against scs-0210, scs-0211 and Cluster API's rules. */
export function register(program: Command): void {
  const verify = program.command('verify')
    .description('verify cluster stacks and clusters against scs-0210, scs-0211 and Cluster API rules');
  registerVerifyCluster(verify);
}

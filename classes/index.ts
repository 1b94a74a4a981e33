import { StackDefinition } from '../src/model/stack';
import { dockerScs } from './docker-scs';
import { openstackScs } from './openstack-scs';

/** Every stack definition the project ships; synth builds each for every minor in stacks.lock.json. */
export const definitions: readonly StackDefinition[] = [openstackScs, dockerScs];

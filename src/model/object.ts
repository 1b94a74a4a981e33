/** PLACEHOLDER until the lead's src/model/object.ts lands on main (then main's version replaces this file). */
export type { KObject } from '../kube/types';

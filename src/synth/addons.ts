import { StackDefinition, StackContext } from '../model/stack';

/** A file of a stack's output, relative to its dist/<name>/ folder. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The addon part of a stack's output (dist/<name>/addons/…). Owned by the addons work (issue 5);
 * until that lands, a stack ships its class only.
 */
export function synthesizeAddons(def: StackDefinition, ctx: StackContext): OutputFile[] {
  if (def.addons.length === 0) return [];
  throw new Error(`${ctx.name}: addon output is not implemented yet (addons: ${def.addons.map((a) => a.name).join(', ')})`);
}

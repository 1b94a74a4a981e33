/** One result of an offline rule: which rule, how bad, where (stack, file, object, field) and how to fix it. */
export interface StaticFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly stack: string;
  readonly message: string;
  readonly file?: string;
  /** `Kind name` of the object concerned. */
  readonly object?: string;
  /** Field path inside the object, e.g. `spec.patches[2].definitions[0].jsonPatches[0].path`. */
  readonly path?: string;
  readonly fix?: string;
}

/** A rule's identity and documentation (docs/rules.md lists them). */
export interface RuleInfo {
  readonly id: string;
  readonly source: string;
  readonly fix: string;
}

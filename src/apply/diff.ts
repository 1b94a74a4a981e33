/**
 * What a user compares: the object without the fields the server maintains (managedFields, resourceVersion,
 * generation, uid, creationTimestamp, status), as YAML with sorted keys so the diff shows content only.
 */

import { structuredPatch } from 'diff';
import { stringify } from 'yaml';
import { KObject } from '../model/object';

const SERVER_FIELDS = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'];

export function normalize(obj: KObject | undefined): KObject | undefined {
  if (!obj) return undefined;
  const { status: _status, ...rest } = obj;
  const metadata: Record<string, unknown> = { ...(obj.metadata ?? {}) };
  for (const f of SERVER_FIELDS) delete metadata[f];
  if (metadata.annotations && Object.keys(metadata.annotations as object).length === 0) delete metadata.annotations;
  return sortKeys({ ...rest, metadata }) as KObject;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** Same content once server-maintained fields are ignored. */
export function sameContent(a: KObject | undefined, b: KObject | undefined): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Same `spec` (and for spec-less kinds such as ConfigMaps, same data). */
export function sameSpec(a: KObject, b: KObject): boolean {
  const pick = (o: KObject) => JSON.stringify(sortKeys({ spec: o.spec, data: o.data, stringData: o.stringData }));
  return pick(a) === pick(b);
}

export const toYaml = (obj: KObject | undefined): string => (obj ? stringify(normalize(obj), { lineWidth: 0 }) : '');

/** A unified diff of two texts (`context` lines around each change), as `diff -u` prints it; '' when equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const { hunks } = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, { context });
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  for (const h of hunks) {
    // diff -u numbers an empty side by the line before it (0 for an empty file); the library gives the line after it
    out.push(
      `@@ -${h.oldLines ? h.oldStart : h.oldStart - 1},${h.oldLines} ` +
        `+${h.newLines ? h.newStart : h.newStart - 1},${h.newLines} @@`,
    );
    out.push(...h.lines.filter((l) => !l.startsWith('\\')));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Secret values never reach the terminal: in a diff of two Secrets every value of `data`/`stringData` becomes
 * `***`, or `*** (before)` / `*** (after)` where it changed (as `kubectl diff` shows them).
 */
export function maskSecrets(
  live: KObject | undefined,
  next: KObject | undefined,
): [KObject | undefined, KObject | undefined] {
  const isSecret = (o?: KObject) => o?.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
  if (!isSecret(live) && !isSecret(next)) return [live, next];
  const mask = (o: KObject | undefined, other: KObject | undefined, tag: string): KObject | undefined => {
    if (!o) return o;
    const out: KObject = { ...o };
    for (const field of ['data', 'stringData'] as const) {
      const values = o[field] as Record<string, string> | undefined;
      if (!values || typeof values !== 'object') continue;
      const theirs = (other?.[field] ?? {}) as Record<string, string>;
      out[field] = Object.fromEntries(
        Object.keys(values).map((k) => [k, k in theirs && theirs[k] !== values[k] ? `*** (${tag})` : '***']),
      );
    }
    return out;
  };
  return [mask(live, next, 'before'), mask(next, live, 'after')];
}

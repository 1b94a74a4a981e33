/**
 * THE discovery cache, one per cluster client: which versions a group serves and which resources (plural,
 * scope) a group-version has, asked once and shared by every caller. Discovery answers are checked field by
 * field, so a misbehaving server gives an error naming it and the field, not a JavaScript message.
 */
import { ResourceInfo } from './apply-types';
import { Transport } from './transport';
import { KubeError } from './types';

interface ServedResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export class Discovery {
  private readonly groups = new Map<string, Promise<string[] | undefined>>();
  private readonly lists = new Map<string, Promise<ServedResource[] | undefined>>();

  constructor(private readonly t: Transport) {}

  private malformed(what: string, problem: string): KubeError {
    return new KubeError('server', `${what}: malformed discovery answer from ${this.t.server}: ${problem}`);
  }

  /** GET with the discovery timeout; undefined on 404 (not served). */
  private async fetch(what: string, path: string): Promise<Record<string, unknown> | undefined> {
    try {
      const r = await this.t.call(what, 'GET', path, { timeoutMs: this.t.timeouts.discoveryMs });
      if (typeof r.body !== 'object' || r.body === null || Array.isArray(r.body))
        throw this.malformed(what, 'expected a JSON object');
      return r.body as Record<string, unknown>;
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  private cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (!p) {
      p = load();
      map.set(key, p);
      // Failures are not cached: the next caller asks again.
      p.catch(() => map.delete(key));
    }
    return p;
  }

  /** The versions a group serves, preferred first; undefined when the group is not served. '' is the core group. */
  groupVersions(group: string): Promise<string[] | undefined> {
    return this.cached(this.groups, group, async () => {
      const what = group ? `discovering API group ${group}` : 'discovering the core API';
      const body = await this.fetch(what, group ? `/apis/${encodeURIComponent(group)}` : '/api');
      if (!body) return group ? undefined : ['v1'];
      const raw = body.versions;
      if (!Array.isArray(raw)) throw this.malformed(what, '"versions" is not a list');
      const versions = raw.map((v, i) => {
        const s = group ? (v as { version?: unknown })?.version : v;
        if (typeof s !== 'string' || !s) throw this.malformed(what, `versions[${i}] is not a version`);
        return s;
      });
      const preferred = (body.preferredVersion as { version?: unknown } | undefined)?.version;
      return typeof preferred === 'string' && versions.includes(preferred)
        ? [preferred, ...versions.filter((v) => v !== preferred)]
        : versions;
    });
  }

  /** The resources of one group-version; undefined when it is not served. */
  resources(group: string, version: string): Promise<ServedResource[] | undefined> {
    const gv = group ? `${group}/${version}` : version;
    return this.cached(this.lists, gv, async () => {
      const what = `discovering ${gv}`;
      const body = await this.fetch(what, group ? `/apis/${gv}` : `/api/${gv}`);
      if (!body) return undefined;
      const raw = body.resources ?? [];
      if (!Array.isArray(raw)) throw this.malformed(what, '"resources" is not a list');
      return raw.map((r: Record<string, unknown>, i) => {
        if (typeof r !== 'object' || r === null) throw this.malformed(what, `resources[${i}] is not an object`);
        if (typeof r.name !== 'string' || !r.name) throw this.malformed(what, `resources[${i}].name is not a string`);
        if (typeof r.kind !== 'string' || !r.kind) throw this.malformed(what, `resources[${i}].kind is not a string`);
        return { name: r.name, kind: r.kind, namespaced: r.namespaced === true };
      });
    });
  }

  /**
   * The resource serving `kind` in `group`, at `version` or else the preferred version; undefined when not served.
   * A miss is never answered from the cache: a CRD created since (by an earlier addon, by an operator at run time, by
   * a test) adds a group or a kind, and a long-lived client (the manager's, per workload cluster) would otherwise
   * never see it. So the group is asked again, once, before "not served" is believed; hits stay cached.
   */
  async resource(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined> {
    const cached = await this.lookup(group, kind, version);
    if (cached) return cached;
    const versions = await this.groups.get(group);
    this.groups.delete(group);
    for (const v of versions ?? []) this.lists.delete(group ? `${group}/${v}` : v);
    if (version) this.lists.delete(group ? `${group}/${version}` : version);
    return this.lookup(group, kind, version);
  }

  private async lookup(group: string, kind: string, version?: string): Promise<ResourceInfo | undefined> {
    const versions = await this.groupVersions(group);
    if (!versions) return undefined;
    const v = version ?? versions[0];
    if (!versions.includes(v)) return undefined;
    const r = (await this.resources(group, v))?.find((x) => x.kind === kind && !x.name.includes('/'));
    return r ? { group, version: v, kind, plural: r.name, namespaced: r.namespaced } : undefined;
  }
}

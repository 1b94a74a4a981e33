/**
 * The string formats ClusterClass variable values are checked against: ajv-formats' full set plus the Kubernetes
 * formats it lacks (k8s.io/kube-openapi strfmt). A module of its own because precompiled class-rule validators
 * (lib/src/model/class-rule-validators.js, see class-rules-schema.ts) require it by path, and so that knowing which
 * formats exist does not load ajv.
 */
import { fullFormats } from 'ajv-formats/dist/formats';
import type { Format } from 'ajv';

const uuid = (v: string) => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$`, 'i');

export const classRuleFormats: Record<string, Format> = {
  ...fullFormats,
  // eslint-disable-next-line max-len -- one regular expression
  cidr: /^(((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)|[0-9a-fA-F:.]+\/(12[0-8]|1[01]\d|\d?\d))$/,
  mac: /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/,
  uuid3: uuid('3'),
  uuid4: uuid('4'),
  uuid5: uuid('5'),
  // int32/int64/float/double only restate the type; a password is any string.
  int32: true,
  int64: true,
  float: true,
  double: true,
  password: true,
};

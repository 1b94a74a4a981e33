/**
 * Checks an image reference flag (`verify cluster --image`) against the grammar container runtimes parse
 * (distribution's reference grammar: `[registry[:port]/]path[:tag][@digest]`), so that a typo is a usage error
 * before any cluster is contacted, not a probe pod stuck in InvalidImageName and an scs-0211 FAIL of a compliant
 * cluster.
 */
import { UserError } from './errors';

const HOST_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${HOST_PART}(?:\\.${HOST_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^${NAME}(?::${TAG})?(?:@${DIGEST})?$`);

/** The reference as given, if it parses; else a usage error naming the flag. */
export function parseImageReference(flag: string, s: string): string {
  // A name is at most 255 characters; a whole reference with tag and digest stays well below 512.
  if (!REFERENCE.test(s) || s.length > 512) {
    throw new UserError(
      `${flag}: invalid image reference "${s.length > 80 ? `${s.slice(0, 77)}...` : s}", expecting ` +
        '[registry[:port]/]path[:tag][@sha256:digest] with a lower-case path, e.g. registry.k8s.io/pause:3.10',
    );
  }
  return s;
}

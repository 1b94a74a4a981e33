/**
 * The `--kubeconfig-secret` name template (`{cluster}-kubeconfig` by default): a file of its own, with no imports,
 * so the CLI checks the flag while reading the command line without loading the Kubernetes client.
 */
import { InputError } from '../util/errors';

export const DEFAULT_KUBECONFIG_SECRET = '{cluster}-kubeconfig';

/** Checks a template: it must contain `{cluster}` and no other placeholder in braces. */
export function checkSecretTemplate(template: string): string {
  const others = (template.match(/\{[^}]*\}/g) ?? []).filter((p) => p !== '{cluster}');
  if (!template.includes('{cluster}') || others.length)
    throw new InputError(
      `--kubeconfig-secret ${JSON.stringify(template)}: must contain {cluster} (the Cluster's name) and no other ` +
        `{…} placeholder, e.g. '{cluster}-kubeconfig'`,
    );
  return template;
}

export const secretName = (template: string, cluster: string): string => template.split('{cluster}').join(cluster);

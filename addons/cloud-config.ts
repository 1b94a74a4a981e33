/**
 * `cloud.conf` shared by OCCM and Cinder CSI: credentials come from the `clouds.yaml` in Secret
 * `kube-system/clouds-yaml` (delivered by the user's ClusterResourceSet, as in SCS scs2), mounted at
 * /etc/openstack; the entry used is `openstack`.
 */
export const CLOUDS_YAML_SECRET = 'clouds-yaml';
export const cloudConf = [
  '[Global]',
  'use-clouds = true',
  'clouds-file = /etc/openstack/clouds.yaml',
  'cloud = openstack',
  '',
].join('\n');

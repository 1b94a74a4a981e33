/**
 * `cskit apply`'s client: the KubeApi over THE transport (one keep-alive pool sized for the apply concurrency).
 */
import { KubeApi } from './api';
import { ApplyClient } from './apply-types';
import { ConnectOptions } from './kubeconfig';
import { TransportOptions } from './transport';

export interface ApplyConnectOptions extends ConnectOptions, TransportOptions {}

export async function connectApply(opts: ApplyConnectOptions = {}): Promise<ApplyClient> {
  return KubeApi.connect(opts);
}

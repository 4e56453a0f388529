/** HCL for the lab's platform (provider block, a data center, a cluster, the lab's hosts) in tests. */
import type { LabFile } from '../../lib/lab/labFile.js';

export interface PlatformOptions {
  readonly inventory: string;
  readonly datacenter?: string;
  readonly cluster?: string;
  /** Extra HCL arguments of the cluster. */
  readonly clusterArguments?: string;
  /** Host names of the lab to declare; default all. */
  readonly hosts?: readonly string[];
}

/** HCL string literal: JSON's escaping is valid HCL for the plain values tests use. */
export const hclString = (value: string): string => JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

export function providerBlock(lab: LabFile, inventory: string): string {
  return `provider "virtplane" {
  inventory            = ${hclString(inventory)}
  ssh_private_key_file = ${hclString(lab.sshPrivateKeyFile)}
}
`;
}

export function platformHcl(lab: LabFile, options: PlatformOptions): string {
  const hosts = lab.hosts.filter((host) => !options.hosts || options.hosts.includes(host.name));
  return `${providerBlock(lab, options.inventory)}
resource "virtplane_datacenter" "dc" {
  name        = ${hclString(options.datacenter ?? 'Default')}
  description = "lab data center"
}

resource "virtplane_cluster" "main" {
  name          = ${hclString(options.cluster ?? 'main')}
  datacenter_id = virtplane_datacenter.dc.id
${options.clusterArguments ?? ''}
}
${hosts
  .map(
    (host) => `
resource "virtplane_host" ${hclString(host.name)} {
  name       = ${hclString(host.name)}
  cluster_id = virtplane_cluster.main.id
  address    = ${hclString(host.address)}
  port       = ${host.port}
  host_key   = ${hclString(host.hostKey)}
}
`,
  )
  .join('')}`;
}

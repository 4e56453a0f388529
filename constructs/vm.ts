import type { TerraformMetaArguments } from './framework/cdk.js';
import type { Construct } from 'constructs';
import { VmResource, type VmCloudInitConfig, type VmConfig, type VmDiskConfig, type VmNicConfig } from './generated/vm.js';
import { hostsOfCluster, type ICluster, type IDisk, type IHost, type INetwork, type ITemplate, type IVm } from './references.js';

/** A disk attached to a VM. */
export interface VmDiskAttachment extends Omit<VmDiskConfig, 'diskId'> {
  /** The disk to attach. Destroying the VM never deletes it. */
  readonly disk: IDisk;
}

/** A network interface of a VM. */
export interface VmNicAttachment extends Omit<VmNicConfig, 'networkId'> {
  /** The logical network the interface is plugged into. */
  readonly network: INetwork;
}

export interface VmProps extends Omit<VmConfig, 'clusterId' | 'hostId' | 'disk' | 'nic' | 'cloudInit' | 'templateId'>, TerraformMetaArguments {
  /** The cluster the VM runs in. Another cluster replaces the VM (its disks stay). */
  readonly cluster: ICluster;
  /**
   * Pins the VM to this host of the cluster. Another host live-migrates a running VM.
   * @default - placed by the cluster's scheduling policy, and left where it runs
   */
  readonly host?: IHost;
  /**
   * Disks, attached in this order.
   * @default - no disk
   */
  readonly disks?: readonly VmDiskAttachment[];
  /**
   * Network interfaces, in this order.
   * @default - no interface
   */
  readonly nics?: readonly VmNicAttachment[];
  /**
   * First-boot configuration of the guest by cloud-init (hostname, users, files, runcmd).
   * @default - no cloud-init seed
   */
  readonly cloudInit?: VmCloudInitConfig;
  /**
   * The template whose VM settings (vcpus, memoryMib, graphics, description) the VM inherits where it does not set them.
   * @default - no template
   */
  readonly template?: ITemplate;
}

/**
 * A VM (a libvirt domain) in a cluster. It waits for the cluster's hosts of this app, so that the
 * scheduler sees them when it places the VM.
 */
export class Vm extends VmResource implements IVm {
  /** A VM known only by its id (its libvirt UUID). */
  static fromId(id: string): IVm {
    return { id, virtplaneKind: 'vm' };
  }

  /** Marks it a VM for the type checker: no host goes where a VM does (affinity groups take both). */
  readonly virtplaneKind = 'vm' as const;

  readonly cluster: ICluster;

  constructor(scope: Construct, id: string, props: VmProps) {
    const { cluster, host, disks, nics, cloudInit, template, ...config } = props;
    super(scope, id, {
      ...config,
      clusterId: cluster.id,
      hostId: host?.id,
      disk: disks?.map(({ disk, ...attachment }) => ({ ...attachment, diskId: disk.id })),
      nic: nics?.map(({ network, ...attachment }) => ({ ...attachment, networkId: network.id })),
      cloudInit: cloudInit === undefined ? undefined : [cloudInit],
      templateId: template?.id,
    });
    this.cluster = cluster;
    this.dependOnAtSynth(() => hostsOfCluster(cluster));
  }
}

// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** A logical network of a data center: a libvirt network of the same name on every host of the data center, NATed or isolated on its own subnet, or bridged onto an existing host bridge. Hosts that join the data center get it; hosts that leave lose it. */
export interface NetworkConfig {
  /**
   * The network's name, unique in its data center; also the libvirt network's name on each host. libvirt cannot rename a network: changing it replaces the network.
   *
   * Valid values: Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit. It cannot be only digits.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly name: string;
  /**
   * The data center whose hosts carry the network. Changing it replaces the network.
   *
   * Valid values: The id of a virtplane object, e.g. virtplane_datacenter.main.id.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly datacenterId: string;
  /**
   * nat: guests reach outside through the host (NAT), on the subnet `cidr`; isolated: guests reach each other and the host only; bridge: guests plug into the existing host bridge `bridge`. Changing it replaces the network.
   *
   * Valid values: one of `nat`, `isolated`, `bridge`
   *
   * Changing it replaces the object.
   * @default "nat"
   */
  readonly mode?: "nat" | "isolated" | "bridge";
  /**
   * The IPv4 subnet of a nat or isolated network, e.g. "10.20.0.0/24": each host takes the first address (the guests' gateway) and hands out the others by DHCP. Required for nat; not used in bridge mode. Changing it restarts the network on every host.
   *
   * Valid values: An IPv4 subnet such as "10.20.0.0/24".
   * @default - unset
   */
  readonly cidr?: string;
  /**
   * bridge mode: the host bridge guests join (it must exist on every host). nat and isolated: the name of the bridge libvirt creates; unset, libvirt picks one (virbrN).
   *
   * Valid values: A Linux interface name: 1 to 15 letters, digits, "_", ".", ":" or "-".
   * @default - unset
   */
  readonly bridge?: string;
  /**
   * An 802.1Q tag for guests' traffic. libvirt tags only on Open vSwitch bridges: bridge mode only, and `bridge` must be an Open vSwitch bridge.
   *
   * Valid values: 1 to 4094; a whole number
   * @default - unset
   */
  readonly vlanId?: number;
  /**
   * The MTU of the bridge libvirt creates (nat, isolated). In bridge mode the host bridge has its own MTU: libvirt refuses one here.
   *
   * Valid values: 68 to 65535; a whole number
   * @default - unset
   */
  readonly mtu?: number;
}

/** How virtplane_network maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const networkSchema: ConstructSchema = {
  "typeName": "virtplane_network",
  "mapping": {
    "attributes": {
      "name": "name",
      "datacenterId": "datacenter_id",
      "mode": "mode",
      "cidr": "cidr",
      "bridge": "bridge",
      "vlanId": "vlan_id",
      "mtu": "mtu"
    },
    "blocks": {}
  },
  "jsonSchema": {
    "type": "object",
    "properties": {
      "name": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        "hint": "Use 1 to 63 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit. It cannot be only digits."
      },
      "datacenterId": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "hint": "The id of a virtplane object, e.g. virtplane_datacenter.main.id."
      },
      "mode": {
        "type": [
          "string",
          "null"
        ],
        "enum": [
          "nat",
          "isolated",
          "bridge",
          null
        ]
      },
      "cidr": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}/\\d{1,2}$",
        "hint": "An IPv4 subnet such as \"10.20.0.0/24\"."
      },
      "bridge": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9_.:-]{1,15}$",
        "hint": "A Linux interface name: 1 to 15 letters, digits, \"_\", \".\", \":\" or \"-\"."
      },
      "vlanId": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 1,
        "maximum": 4094
      },
      "mtu": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 68,
        "maximum": 65535
      }
    },
    "required": [
      "name",
      "datacenterId"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_network, with its attributes given by name as in Terraform. A logical network of a data center: a libvirt network of the same name on every host of the data center, NATed or isolated on its own subnet, or bridged onto an existing host bridge. Hosts that join the data center get it; hosts that leave lose it. */
export class NetworkResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_network";

  constructor(scope: Construct, id: string, config: NetworkConfig & TerraformMetaArguments) {
    super(scope, id, networkSchema, config);
  }

  /** The network's id in the inventory. */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The network's name, unique in its data center; also the libvirt network's name on each host. libvirt cannot rename a network: changing it replaces the network. */
  get name(): string {
    return this.getStringAttribute("name");
  }

  /** The data center whose hosts carry the network. Changing it replaces the network. */
  get datacenterId(): string {
    return this.getStringAttribute("datacenter_id");
  }

  /** nat: guests reach outside through the host (NAT), on the subnet `cidr`; isolated: guests reach each other and the host only; bridge: guests plug into the existing host bridge `bridge`. Changing it replaces the network. */
  get mode(): string {
    return this.getStringAttribute("mode");
  }

  /** The IPv4 subnet of a nat or isolated network, e.g. "10.20.0.0/24": each host takes the first address (the guests' gateway) and hands out the others by DHCP. Required for nat; not used in bridge mode. Changing it restarts the network on every host. */
  get cidr(): string {
    return this.getStringAttribute("cidr");
  }

  /** bridge mode: the host bridge guests join (it must exist on every host). nat and isolated: the name of the bridge libvirt creates; unset, libvirt picks one (virbrN). */
  get bridge(): string {
    return this.getStringAttribute("bridge");
  }

  /** An 802.1Q tag for guests' traffic. libvirt tags only on Open vSwitch bridges: bridge mode only, and `bridge` must be an Open vSwitch bridge. */
  get vlanId(): number {
    return this.getNumberAttribute("vlan_id");
  }

  /** The MTU of the bridge libvirt creates (nat, isolated). In bridge mode the host bridge has its own MTU: libvirt refuses one here. */
  get mtu(): number {
    return this.getNumberAttribute("mtu");
  }

  /** The hosts of the data center that carry the network as configured, as last read. A host missing here (the network deleted or changed on it outside virtplane) makes the plan update the network, which puts it back. */
  get hosts(): string[] {
    return this.getListAttribute("hosts");
  }
}

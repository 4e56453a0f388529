// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { IResolvable, TerraformMetaArguments } from '../framework/cdk.js';
import type { Construct } from 'constructs';
import type { ConstructSchema } from '../framework/constructSchema.js';
import { SchemaResource } from '../framework/schemaResource.js';

/** The target's LUNs. */
export interface IscsiTargetLunConfig {
  /**
   * The LUN number (1 to 255; LUN 0 is tgt's controller).
   *
   * Valid values: 1 to 255; a whole number
   * @default - unset
   */
  readonly lun: number;
  /**
   * The LUN's size in MiB. It grows in place (initiators see the new size after a rescan); it never shrinks.
   *
   * Valid values: 1 to 16777216; a whole number
   * @default - unset
   */
  readonly sizeMib: number;
}

/** An iSCSI target on a tgt storage server reached over SSH, with LUNs virtplane creates. Storage domains on it add their hosts' initiators to its ACL; disks of those domains are its LUNs. */
export interface IscsiTargetConfig {
  /**
   * The storage server's address, for SSH and for initiators (the portal). Another address is another server: changing it replaces the target.
   *
   * Valid values: An IPv4 or IPv6 address or a DNS name.
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly serverAddress: string;
  /**
   * The storage server's SSH port.
   *
   * Valid values: 1 to 65535; a whole number
   * @default 22
   */
  readonly serverPort?: number;
  /**
   * The storage server's SSH key ("ssh-ed25519 AAAA...") or its SHA256 fingerprint. Unset: the provider's known_hosts_file must know the server. Host keys are always verified.
   *
   * Valid values: A public key line "ssh-ed25519 AAAA..." (no comment) or a fingerprint "SHA256:...".
   * @default - unset
   */
  readonly serverHostKey?: string;
  /**
   * The target's name, e.g. "iqn.2025-01.com.example:storage1" (lowercase). Changing it replaces the target, and every LUN with it.
   *
   * Valid values: iqn.YYYY-MM.reversed.domain[:name], lowercase letters, digits, ".", "-" and ":".
   *
   * Changing it replaces the object.
   * @default - unset
   */
  readonly iqn: string;
  /**
   * Who may log in: initiator names (iqn..., eui...) and addresses or subnets (10.0.0.5, 10.0.0.0/24, [fd00::]/64). Empty: any initiator. A restricted target also admits the hosts of every storage domain on it (virtplane adds their names; they are not listed here).
   * @default []
   */
  readonly allowedInitiators?: readonly string[];
  /**
   * CHAP: the user initiators must log in as (set with chap_password). Storage domains on this target need the same credentials.
   *
   * Valid values: 1 to 128 letters, digits or . _ @ : -
   * @default - unset
   */
  readonly chapUsername?: string;
  /**
   * CHAP: the secret, 12 to 128 letters, digits or . _ + @ % = : / -. It reaches the server over SSH stdin only, never a command line.
   *
   * Valid values: 12 to 128 letters, digits or . _ + @ % = : / -
   *
   * Sensitive: kept out of plans and logs.
   * @default - unset
   */
  readonly chapPassword?: string;
  /**
   * Removing a lun block would destroy that LUN's data. false (default): the plan refuses it. true: the plan replaces the whole target, every LUN recreated empty: set it only when that is what you want.
   * @default false
   */
  readonly replaceOnLunRemoval?: boolean;
  /**
   * true: destroying or replacing the target (which deletes every LUN file) is refused at plan. Whatever it is, a target that storage domains still use, or that holds a disk with deletion_protection, is never destroyed or replaced.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * The target's LUNs.
   * @default - none
   */
  readonly lun?: readonly IscsiTargetLunConfig[];
}

/** How virtplane_iscsi_target maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const iscsiTargetSchema: ConstructSchema = {
  "typeName": "virtplane_iscsi_target",
  "mapping": {
    "attributes": {
      "serverAddress": "server_address",
      "serverPort": "server_port",
      "serverHostKey": "server_host_key",
      "iqn": "iqn",
      "allowedInitiators": "allowed_initiators",
      "chapUsername": "chap_username",
      "chapPassword": "chap_password",
      "replaceOnLunRemoval": "replace_on_lun_removal",
      "deletionProtection": "deletion_protection"
    },
    "blocks": {
      "lun": {
        "name": "lun",
        "nesting": "list",
        "block": {
          "attributes": {
            "lun": "lun",
            "sizeMib": "size_mib"
          },
          "blocks": {}
        }
      }
    }
  },
  "jsonSchema": {
    "type": "object",
    "properties": {
      "serverAddress": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$",
        "hint": "An IPv4 or IPv6 address or a DNS name."
      },
      "serverPort": {
        "type": [
          "integer",
          "null"
        ],
        "minimum": 1,
        "maximum": 65535
      },
      "serverHostKey": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^((ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}|SHA256:[A-Za-z0-9+/]{43}=?)$",
        "hint": "A public key line \"ssh-ed25519 AAAA...\" (no comment) or a fingerprint \"SHA256:...\"."
      },
      "iqn": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^iqn\\.\\d{4}-\\d{2}\\.[a-z0-9][a-z0-9.-]*(:[a-z0-9.:-]+)?$",
        "maxLength": 223,
        "hint": "iqn.YYYY-MM.reversed.domain[:name], lowercase letters, digits, \".\", \"-\" and \":\"."
      },
      "allowedInitiators": {
        "type": [
          "array",
          "null"
        ],
        "items": {
          "type": [
            "string",
            "null"
          ]
        }
      },
      "chapUsername": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9._@:-]{1,128}$",
        "hint": "1 to 128 letters, digits or . _ @ : -"
      },
      "chapPassword": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[A-Za-z0-9._+@%=:/-]*$",
        "minLength": 12,
        "maxLength": 128,
        "hint": "12 to 128 letters, digits or . _ + @ % = : / -",
        "sensitive": true
      },
      "replaceOnLunRemoval": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "deletionProtection": {
        "type": [
          "boolean",
          "null"
        ]
      },
      "lun": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "lun": {
              "type": [
                "integer",
                "null"
              ],
              "minimum": 1,
              "maximum": 255
            },
            "sizeMib": {
              "type": [
                "integer",
                "null"
              ],
              "minimum": 1,
              "maximum": 16777216
            }
          },
          "required": [
            "lun",
            "sizeMib"
          ],
          "additionalProperties": false
        }
      }
    },
    "required": [
      "serverAddress",
      "iqn"
    ],
    "additionalProperties": false
  }
};

/** The resource virtplane_iscsi_target, with its attributes given by name as in Terraform. An iSCSI target on a tgt storage server reached over SSH, with LUNs virtplane creates. Storage domains on it add their hosts' initiators to its ACL; disks of those domains are its LUNs. */
export class IscsiTargetResource extends SchemaResource {
  static readonly tfResourceType = "virtplane_iscsi_target";

  constructor(scope: Construct, id: string, config: IscsiTargetConfig & TerraformMetaArguments) {
    super(scope, id, iscsiTargetSchema, config);
  }

  /** ADDRESS:PORT/IQN, then #KEY when server_host_key is set: where the target is and how to verify its server (storage domains use it). */
  get id(): string {
    return this.getStringAttribute("id");
  }

  /** The storage server's address, for SSH and for initiators (the portal). Another address is another server: changing it replaces the target. */
  get serverAddress(): string {
    return this.getStringAttribute("server_address");
  }

  /** The storage server's SSH port. */
  get serverPort(): number {
    return this.getNumberAttribute("server_port");
  }

  /** The storage server's SSH key ("ssh-ed25519 AAAA...") or its SHA256 fingerprint. Unset: the provider's known_hosts_file must know the server. Host keys are always verified. */
  get serverHostKey(): string {
    return this.getStringAttribute("server_host_key");
  }

  /** The target's name, e.g. "iqn.2025-01.com.example:storage1" (lowercase). Changing it replaces the target, and every LUN with it. */
  get iqn(): string {
    return this.getStringAttribute("iqn");
  }

  /** Who may log in: initiator names (iqn..., eui...) and addresses or subnets (10.0.0.5, 10.0.0.0/24, [fd00::]/64). Empty: any initiator. A restricted target also admits the hosts of every storage domain on it (virtplane adds their names; they are not listed here). */
  get allowedInitiators(): string[] {
    return this.getListAttribute("allowed_initiators");
  }

  /** CHAP: the user initiators must log in as (set with chap_password). Storage domains on this target need the same credentials. */
  get chapUsername(): string {
    return this.getStringAttribute("chap_username");
  }

  /** CHAP: the secret, 12 to 128 letters, digits or . _ + @ % = : / -. It reaches the server over SSH stdin only, never a command line. */
  get chapPassword(): string {
    return this.getStringAttribute("chap_password");
  }

  /** Removing a lun block would destroy that LUN's data. false (default): the plan refuses it. true: the plan replaces the whole target, every LUN recreated empty: set it only when that is what you want. */
  get replaceOnLunRemoval(): IResolvable {
    return this.getBooleanAttribute("replace_on_lun_removal");
  }

  /** true: destroying or replacing the target (which deletes every LUN file) is refused at plan. Whatever it is, a target that storage domains still use, or that holds a disk with deletion_protection, is never destroyed or replaced. */
  get deletionProtection(): IResolvable {
    return this.getBooleanAttribute("deletion_protection");
  }

  /** ADDRESS:3260, where initiators connect. */
  get portal(): string {
    return this.getStringAttribute("portal");
  }
}

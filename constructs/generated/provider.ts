// Generated from the provider schema by `virtplane docs`: do not edit by hand.
import type { ConstructSchema } from '../framework/constructSchema.js';

/** virtplane manages KVM hosts, storage and VMs over SSH, with an inventory database as its engine. */
export interface ProviderConfig {
  /**
   * Where the inventory lives: a folder for the embedded database, or a postgres:// URL for a shared one. Sensitive (a URL may hold a password): never shown, and redacted from every message.
   *
   * Sensitive: kept out of plans and logs.
   * @default ".virtplane/inventory"
   */
  readonly inventory?: string;
  /**
   * The user virtplane logs in as on every host.
   *
   * Valid values: A Linux user name: lowercase letters, digits, "_" and "-".
   * @default "root"
   */
  readonly sshUser?: string;
  /**
   * Path of the private key to log in with. One of ssh_private_key_file and ssh_private_key is needed to reach hosts (the SSH agent is not supported yet).
   * @default - unset
   */
  readonly sshPrivateKeyFile?: string;
  /**
   * The private key itself (PEM or OpenSSH format), for when it comes from a secret store.
   *
   * Sensitive: kept out of plans and logs.
   * @default - unset
   */
  readonly sshPrivateKey?: string;
  /**
   * A known_hosts file with the host keys to trust, in addition to each host's pinned host_key. Host keys are always verified.
   * @default - unset
   */
  readonly knownHostsFile?: string;
}

/** How virtplane maps onto Terraform, and the JSON schema its props are checked against at synth. */
export const providerSchema: ConstructSchema = {
  "typeName": "virtplane",
  "mapping": {
    "attributes": {
      "inventory": "inventory",
      "sshUser": "ssh_user",
      "sshPrivateKeyFile": "ssh_private_key_file",
      "sshPrivateKey": "ssh_private_key",
      "knownHostsFile": "known_hosts_file"
    },
    "blocks": {}
  },
  "jsonSchema": {
    "type": "object",
    "properties": {
      "inventory": {
        "type": [
          "string",
          "null"
        ],
        "minLength": 1,
        "sensitive": true
      },
      "sshUser": {
        "type": [
          "string",
          "null"
        ],
        "pattern": "^[a-z_][a-z0-9_-]*[$]?$",
        "maxLength": 32,
        "hint": "A Linux user name: lowercase letters, digits, \"_\" and \"-\"."
      },
      "sshPrivateKeyFile": {
        "type": [
          "string",
          "null"
        ],
        "minLength": 1
      },
      "sshPrivateKey": {
        "type": [
          "string",
          "null"
        ],
        "sensitive": true
      },
      "knownHostsFile": {
        "type": [
          "string",
          "null"
        ],
        "minLength": 1
      }
    },
    "required": [],
    "additionalProperties": false
  }
};

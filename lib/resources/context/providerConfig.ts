import { blockSchema, errorDiagnostic, stringAttribute, type Diagnostic, type PlannedStateOf, type StateOf } from '../../framework/index.js';

/**
 * The `provider "virtplane"` block. Defined with the same schema machinery as resources so that
 * provider docs, validation and the cdktf provider props come from one place.
 */
export const providerConfigSchema = blockSchema({
  description: 'virtplane manages KVM hosts, storage and VMs over SSH, with an inventory database as its engine.',
  attributes: {
    inventory: stringAttribute({
      description:
        'Where the inventory lives: a folder for the embedded database, or a postgres:// URL for a shared one. Sensitive (a URL may hold a password): never shown, and redacted from every message.',
      optional: true,
      sensitive: true,
      default: '.virtplane/inventory',
      validation: { minLength: 1 },
    }),
    ssh_user: stringAttribute({
      description: 'The user virtplane logs in as on every host.',
      optional: true,
      default: 'root',
      validation: { pattern: '^[a-z_][a-z0-9_-]*[$]?$', maxLength: 32, hint: 'A Linux user name: lowercase letters, digits, "_" and "-".' },
    }),
    ssh_private_key_file: stringAttribute({
      description:
        'Path of the private key to log in with. One of ssh_private_key_file and ssh_private_key is needed to reach hosts (the SSH agent is not supported yet).',
      optional: true,
      validation: { minLength: 1 },
    }),
    ssh_private_key: stringAttribute({
      description: 'The private key itself (PEM or OpenSSH format), for when it comes from a secret store.',
      optional: true,
      sensitive: true,
    }),
    known_hosts_file: stringAttribute({
      description: "A known_hosts file with the host keys to trust, in addition to each host's pinned host_key. Host keys are always verified.",
      optional: true,
      validation: { minLength: 1 },
    }),
  },
});

export type ProviderConfig = StateOf<typeof providerConfigSchema>;

/** Checks the schema cannot express: at most one source of the private key. */
export function validateProviderConfigValues(config: PlannedStateOf<typeof providerConfigSchema>): Diagnostic[] {
  const file = config.ssh_private_key_file;
  const inline = config.ssh_private_key;
  if (typeof file === 'string' && typeof inline === 'string') {
    return [errorDiagnostic('Conflicting SSH private keys', 'Set either ssh_private_key_file or ssh_private_key, not both.', ['ssh_private_key'])];
  }
  return [];
}

import { TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';

export interface VirtplaneProviderProps {
  /**
   * Where the inventory lives: a folder for the embedded database, or a postgres:// URL.
   * @default ".virtplane/inventory" (relative to where terraform runs)
   */
  readonly inventory?: string;
  /**
   * The user virtplane logs in as on every host.
   * @default "root"
   */
  readonly sshUser?: string;
  /** Path of the private key to log in with. */
  readonly sshPrivateKeyFile?: string;
  /** The private key itself (sensitive), for when it comes from a secret store. */
  readonly sshPrivateKey?: string;
  /** A known_hosts file trusted for hosts that have no pinned host_key. */
  readonly knownHostsFile?: string;
  /** An alias, for a second configuration of the provider. */
  readonly alias?: string;
}

/**
 * The virtplane provider (source virtplane/virtplane), written by hand: the provider is installed
 * locally by `virtplane provider install`, so there is nothing for `cdktf get` to generate from.
 */
export class VirtplaneProvider extends TerraformProvider {
  static readonly source = 'virtplane/virtplane';
  static readonly version = '0.1.0';

  constructor(
    scope: Construct,
    id: string,
    private readonly props: VirtplaneProviderProps = {},
  ) {
    super(scope, id, {
      terraformResourceType: 'virtplane',
      terraformGeneratorMetadata: { providerName: 'virtplane', providerVersion: VirtplaneProvider.version },
      terraformProviderSource: VirtplaneProvider.source,
    });
    this.alias = props.alias;
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return {
      inventory: this.props.inventory,
      ssh_user: this.props.sshUser,
      ssh_private_key_file: this.props.sshPrivateKeyFile,
      ssh_private_key: this.props.sshPrivateKey,
      known_hosts_file: this.props.knownHostsFile,
      alias: this.alias,
    };
  }
}

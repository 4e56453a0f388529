import { parseArgs, UsageError } from './args.js';
import { COMMAND_USAGE } from './usage.js';
import {
  defaultEntryPoint,
  installProvider,
  PROVIDER_HOSTNAME,
  PROVIDER_NAMESPACE,
  PROVIDER_TYPE,
  PROVIDER_VERSION,
  uninstallProvider,
} from './providerInstall.js';

export async function providerCommand(argv: readonly string[]): Promise<number> {
  const { words, flags } = parseArgs(argv, ['plugins-dir', 'project']);
  const pluginsDir = flags['plugins-dir'];
  switch (words[0]) {
    case 'install': {
      const project = flags.project;
      const result = await installProvider({ pluginsDir, force: flags.force === 'true', ...(project === undefined ? {} : { project }) });
      const source = `${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;
      process.stdout.write(
        `${result.changed ? 'installed' : 'already installed'}: ${PROVIDER_HOSTNAME}/${source} ${PROVIDER_VERSION}\n` +
          `  launcher ${result.launcherPath}\n  runs     ${result.entryPoint}\n` +
          (result.pointerPath === undefined ? '' : `  project  ${result.pointerPath} -> ${defaultEntryPoint()}\n`) +
          `use it with: terraform { required_providers { virtplane = { source = "${source}", version = "${PROVIDER_VERSION}" } } }\n`,
      );
      return 0;
    }
    case 'uninstall': {
      const result = await uninstallProvider({ pluginsDir });
      process.stdout.write(result.removed ? `removed ${result.launcherPath}\n` : `not installed (${result.launcherPath})\n`);
      return 0;
    }
    default:
      throw new UsageError(COMMAND_USAGE.provider);
  }
}

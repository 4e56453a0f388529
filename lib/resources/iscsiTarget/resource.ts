import {
  IscsiValidationError,
  iqnProblem,
  MAX_LUN,
  MAX_SIZE_MIB,
  MIN_LUN,
  validateInitiatorAddress,
  validateInitiatorName,
  type ChapCredentials,
  type InitiatorRule,
  type ManagedTarget,
  type ServedTarget,
  type TargetSpec,
} from '../../backends/iscsi/index.js';
import {
  changeInventory,
  creatorOf,
  HOST_KEY_PATTERN,
  leftoverVerdict,
  onStorageServer,
  progress,
  recordMadeByThisApply,
  takenError,
  TARGET_ATTRIBUTES,
} from '../shared/index.js';
import {
  blockSchema,
  boolAttribute,
  defineResource,
  DiagnosticError,
  errorDiagnostic,
  isUnknown,
  nestedBlock,
  numberAttribute,
  setAttribute,
  stringAttribute,
  unknown,
  useStateForUnknown,
  type AttributePath,
  type Diagnostic,
  type PlannedStateOf,
  type StateOf,
} from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { describeDependents, dependentsOfTarget, type TargetDependents } from './dependents.js';
import { hostInitiatorsUsingTarget, ruleOf, ruleText, servedRules, withStorageServerLock } from './acl.js';
import { readTarget } from './acl.js';
import { formatTargetId, isHostInitiator, parseTargetId, portalOf, storageServer, type TargetLocation } from './location.js';

const MIB = 1024 * 1024;

const IQN_PATTERN = '^iqn\\.\\d{4}-\\d{2}\\.[a-z0-9][a-z0-9.-]*(:[a-z0-9.:-]+)?$';

const lunBlock = blockSchema({
  description: 'A LUN of the target: a sparse file virtplane creates on the storage server.',
  attributes: {
    lun: numberAttribute({
      description: `The LUN number (${MIN_LUN} to ${MAX_LUN}; LUN 0 is tgt's controller).`,
      required: true,
      validation: { integer: true, minimum: MIN_LUN, maximum: MAX_LUN },
    }),
    size_mib: numberAttribute({
      description: "The LUN's size in MiB. It grows in place (initiators see the new size after a rescan); it never shrinks.",
      required: true,
      validation: { integer: true, minimum: 1, maximum: MAX_SIZE_MIB },
    }),
  },
});

export const iscsiTargetSchema = blockSchema({
  description:
    "An iSCSI target on a tgt storage server reached over SSH, with LUNs virtplane creates. Storage domains on it add their hosts' initiators to its ACL; disks of those domains are its LUNs.",
  attributes: {
    id: stringAttribute({
      description: 'ADDRESS:PORT/IQN, then #KEY when server_host_key is set: where the target is and how to verify its server (storage domains use it).',
      computed: true,
      planModifiers: [useStateForUnknown()],
    }),
    server_address: stringAttribute({
      description: "The storage server's address, for SSH and for initiators (the portal). Another address is another server: changing it replaces the target.",
      required: true,
      forceNew: true,
      validation: { pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$', hint: 'An IPv4 or IPv6 address or a DNS name.' },
    }),
    server_port: numberAttribute({
      description: "The storage server's SSH port.",
      optional: true,
      default: 22,
      validation: { integer: true, minimum: 1, maximum: 65535 },
    }),
    server_host_key: stringAttribute({
      description:
        'The storage server\'s SSH key ("ssh-ed25519 AAAA...") or its SHA256 fingerprint. Unset: the provider\'s known_hosts_file must know the server. Host keys are always verified.',
      optional: true,
      validation: { pattern: HOST_KEY_PATTERN, hint: 'A public key line "ssh-ed25519 AAAA..." (no comment) or a fingerprint "SHA256:...".' },
    }),
    iqn: stringAttribute({
      description: 'The target\'s name, e.g. "iqn.2025-01.com.example:storage1" (lowercase). Changing it replaces the target, and every LUN with it.',
      required: true,
      forceNew: true,
      validation: { pattern: IQN_PATTERN, maxLength: 223, hint: 'iqn.YYYY-MM.reversed.domain[:name], lowercase letters, digits, ".", "-" and ":".' },
    }),
    allowed_initiators: setAttribute('string', {
      description:
        'Who may log in: initiator names (iqn..., eui...) and addresses or subnets (10.0.0.5, 10.0.0.0/24, [fd00::]/64). Empty: any initiator. A restricted target also admits the hosts of every storage domain on it (virtplane adds their names; they are not listed here).',
      optional: true,
      default: [],
    }),
    chap_username: stringAttribute({
      description: 'CHAP: the user initiators must log in as (set with chap_password). Storage domains on this target need the same credentials.',
      optional: true,
      validation: { pattern: '^[A-Za-z0-9._@:-]{1,128}$', hint: '1 to 128 letters, digits or . _ @ : -' },
    }),
    chap_password: stringAttribute({
      description: 'CHAP: the secret, 12 to 128 letters, digits or . _ + @ % = : / -. It reaches the server over SSH stdin only, never a command line.',
      optional: true,
      sensitive: true,
      // RFC 3720 asks for at least 12 bytes of secret; tgt-admin passes it through a file and a shell.
      validation: { minLength: 12, maxLength: 128, pattern: '^[A-Za-z0-9._+@%=:/-]*$', hint: '12 to 128 letters, digits or . _ + @ % = : / -' },
    }),
    replace_on_lun_removal: boolAttribute({
      description:
        "Removing a lun block would destroy that LUN's data. false (default): the plan refuses it. true: the plan replaces the whole target, every LUN recreated empty: set it only when that is what you want.",
      optional: true,
      default: false,
    }),
    deletion_protection: boolAttribute({
      description:
        'true: destroying or replacing the target (which deletes every LUN file) is refused at plan. Whatever it is, a target that storage domains still use, or that holds a disk with deletion_protection, is never destroyed or replaced.',
      optional: true,
      default: false,
    }),
    portal: stringAttribute({ description: 'ADDRESS:3260, where initiators connect.', computed: true }),
  },
  blocks: {
    lun: nestedBlock(lunBlock, { nesting: 'list', description: "The target's LUNs." }),
  },
});

type TargetState = StateOf<typeof iscsiTargetSchema>;
type TargetPlanned = PlannedStateOf<typeof iscsiTargetSchema>;

const known = (value: unknown): boolean => value !== null && !isUnknown(value);

function checked(diagnostics: Diagnostic[], path: AttributePath, summary: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof IscsiValidationError)) throw error;
    diagnostics.push(errorDiagnostic(summary, error.message.replace(/^[^:]*: /, ''), path));
  }
}

export function validateTargetConfig(config: TargetPlanned): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (typeof config.iqn === 'string') {
    const problem = iqnProblem(config.iqn);
    if (problem !== undefined) diagnostics.push(errorDiagnostic('Invalid value for iqn', `iqn ${problem}.`, ['iqn']));
  }
  const user = config.chap_username;
  const password = config.chap_password;
  if (known(user) !== known(password) && !isUnknown(user) && !isUnknown(password)) {
    const missing = known(user) ? 'chap_password' : 'chap_username';
    diagnostics.push(errorDiagnostic('Incomplete CHAP credentials', 'Set both chap_username and chap_password, or neither.', [missing]));
  }
  if (Array.isArray(config.lun)) {
    const seen = new Set<number>();
    config.lun.forEach((block, index) => {
      if (isUnknown(block) || typeof block.lun !== 'number') return;
      if (seen.has(block.lun)) diagnostics.push(errorDiagnostic('Duplicate LUN', `LUN ${block.lun} is declared twice.`, ['lun', index, 'lun']));
      seen.add(block.lun);
    });
  }
  if (Array.isArray(config.allowed_initiators)) {
    for (const entry of config.allowed_initiators) {
      if (typeof entry !== 'string') continue;
      const path: AttributePath = ['allowed_initiators'];
      if (isHostInitiator(entry)) {
        diagnostics.push(
          errorDiagnostic(
            'Host initiator listed',
            `${entry} is a virtplane host's initiator: storage domains add their hosts to the ACL themselves. Remove it from allowed_initiators.`,
            path,
          ),
        );
        continue;
      }
      const rule = ruleOf(entry);
      checked(diagnostics, path, 'Invalid value for allowed_initiators', () =>
        rule.kind === 'name' ? validateInitiatorName(rule.name, 'allowed_initiators') : validateInitiatorAddress(rule.address, 'allowed_initiators'),
      );
    }
  }
  return diagnostics;
}

function locationOf(state: Pick<TargetState, 'server_address' | 'server_port' | 'iqn' | 'server_host_key'>): TargetLocation {
  return { address: state.server_address, port: state.server_port, iqn: state.iqn, hostKey: state.server_host_key };
}

function chapOf(state: Pick<TargetState, 'chap_username' | 'chap_password'>): ChapCredentials | undefined {
  return state.chap_username !== null && state.chap_password !== null ? { username: state.chap_username, password: state.chap_password } : undefined;
}

/** What the target must be: the configuration plus, when restricted, the hosts of its storage domains. */
async function specOf(provider: ProviderContext, state: TargetState): Promise<TargetSpec> {
  const allowed = (state.allowed_initiators ?? []).map(ruleOf);
  const hosts = allowed.length === 0 ? [] : await provider.inventory.use((inventory) => hostInitiatorsUsingTarget(inventory, locationOf(state)));
  const initiators: InitiatorRule[] = [...allowed, ...hosts.map((name): InitiatorRule => ({ kind: 'name', name }))];
  const chap = chapOf(state);
  return {
    iqn: state.iqn,
    luns: state.lun.map((block) => ({ lun: block.lun, backing: { kind: 'file', sizeMib: block.size_mib } })),
    initiators,
    ...(chap === undefined ? {} : { chap }),
  };
}

/** The state as the server has it; attributes the server cannot tell (password, options) from `prior`. */
function targetStateFrom(prior: TargetState, target: ManagedTarget, served: ServedTarget | undefined): TargetState {
  const servedLuns = target.luns.filter((lun) => lun.served && lun.sizeBytes !== undefined);
  const order = new Map(prior.lun.map((block, index) => [block.lun, index]));
  const luns = servedLuns
    .map((lun) => ({ lun: lun.lun, size_mib: Math.floor((lun.sizeBytes ?? 0) / MIB) }))
    .sort((a, b) => (order.get(a.lun) ?? MAX_LUN + a.lun) - (order.get(b.lun) ?? MAX_LUN + b.lun));
  const rules = served === undefined ? [...target.initiators] : servedRules(served);
  const chapBound = target.chapUsername !== undefined && (served === undefined || served.incomingAccounts.includes(target.chapUsername));
  return {
    ...prior,
    id: formatTargetId(locationOf(prior)),
    portal: target.portal,
    lun: luns,
    allowed_initiators: rules
      .map(ruleText)
      .filter((entry) => !isHostInitiator(entry))
      .sort(),
    chap_username: chapBound ? (target.chapUsername ?? null) : null,
    chap_password: chapBound ? prior.chap_password : null,
    replace_on_lun_removal: prior.replace_on_lun_removal ?? false,
    deletion_protection: prior.deletion_protection ?? false,
    server_port: prior.server_port ?? 22,
  };
}

const TARGET_TYPE = 'virtplane_iscsi_target';

function takenTarget(location: TargetLocation) {
  return {
    kind: 'iSCSI target',
    title: 'Target already managed',
    name: location.iqn,
    id: formatTargetId(location),
    where: `on storage server ${location.address}`,
    path: ['iqn'],
  };
}

/**
 * A target of this IQN already in virtplane.conf when a create runs: adopted only when an interrupted
 * apply of this workspace left it (its block's token), and only when adopting it loses nothing (no
 * LUN the configuration no longer declares); refused otherwise, saying whose it is.
 */
async function refuseUnlessLeftover(provider: ProviderContext, location: TargetLocation, leftover: ManagedTarget, planned: TargetState): Promise<void> {
  const verdict = leftoverVerdict(provider, TARGET_TYPE, targetKey(location), leftover.workspace);
  const object = takenTarget(location);
  if (verdict !== 'adopt') throw takenError(object, verdict, verdict === 'this-apply' ? undefined : await creatorOf(provider, object.id));
  const dropped = leftover.luns.filter((lun) => !planned.lun.some((block) => block.lun === lun.lun));
  if (dropped.length > 0) {
    throw new DiagnosticError(
      'Target left with other LUNs',
      `Target ${planned.iqn} on ${planned.server_address}, left by an interrupted apply of this workspace, has LUN ${dropped.map((lun) => lun.lun).join(', ')}, which this configuration no longer declares; virtplane does not delete a LUN that may hold data. Declare it again (a lun block), or import the target (terraform import ADDRESS ${JSON.stringify(object.id)}) and change it from there.`,
      ['lun'],
    );
  }
}

/** The audit log keeps every change applied, the target's too (it has no row of its own in the inventory). */
function audit(provider: ProviderContext, action: 'create' | 'adopt' | 'update' | 'delete', state: TargetState): Promise<unknown> {
  const { chap_password: _secret, ...details } = state;
  return changeInventory(provider.inventory, {
    resourceType: TARGET_TYPE,
    action,
    ...(action === 'delete' ? {} : { details }),
    apply: async () => ({ id: formatTargetId(locationOf(state)), name: state.iqn }),
  });
}

function serverName(state: Pick<TargetState, 'server_address'>): string {
  return state.server_address;
}

/** Plan-time refusals: a LUN never shrinks, and removing one needs the whole target replaced on purpose. */
function planLunChanges(prior: TargetState, planned: TargetPlanned): { diagnostics: Diagnostic[]; replace: boolean } {
  const diagnostics: Diagnostic[] = [];
  if (!Array.isArray(planned.lun)) return { diagnostics, replace: false };
  const blocks = planned.lun;
  let replace = false;
  for (const before of prior.lun) {
    const index = blocks.findIndex((block) => !isUnknown(block) && block.lun === before.lun);
    const after = index < 0 ? undefined : blocks[index];
    if (after === undefined || isUnknown(after)) {
      if (blocks.some((block) => isUnknown(block) || isUnknown(block.lun))) continue;
      if (planned.replace_on_lun_removal === true) {
        replace = true;
        continue;
      }
      diagnostics.push(
        errorDiagnostic(
          'Removing a LUN destroys its data',
          `LUN ${before.lun} (${before.size_mib} MiB) is no longer configured. virtplane does not delete a LUN that may hold data: keep its lun block, or set replace_on_lun_removal = true to replace the whole target (every LUN is recreated empty).`,
          ['lun'],
        ),
      );
      continue;
    }
    if (typeof after.size_mib === 'number' && after.size_mib < before.size_mib) {
      diagnostics.push(
        errorDiagnostic(
          'A LUN never shrinks',
          `LUN ${before.lun} is ${before.size_mib} MiB on the server; it cannot shrink to ${after.size_mib} MiB (that would cut off the end of the disk). Set size_mib to ${before.size_mib} or more (if it grew outside virtplane, adopt its size).`,
          ['lun', index, 'size_mib'],
        ),
      );
    }
  }
  return { diagnostics, replace };
}

/**
 * Why the target must not go (destroyed, or replaced: every LUN file deleted), or undefined:
 * deletion_protection, a disk with deletion_protection on it, or (`domainsBlock`) storage domains on it.
 * A plan to destroy everything cannot refuse for the storage domains (they go first, in the same
 * apply); the apply refuses for those still there.
 */
async function refusal(
  provider: ProviderContext,
  state: Pick<TargetState, 'server_address' | 'iqn' | 'deletion_protection'>,
  doing: 'destroying' | 'replacing',
  options: { readonly domainsBlock?: boolean } = {},
): Promise<Diagnostic | undefined> {
  const what = doing === 'destroying' ? 'Destroying' : 'Replacing';
  const consequence = `${what} target ${state.iqn} deletes every LUN file it has.`;
  if (state.deletion_protection === true) {
    return errorDiagnostic(
      'Target protected from deletion',
      `${consequence} It has deletion_protection = true: set deletion_protection = false and apply first if you really mean it.`,
      ['deletion_protection'],
    );
  }
  const dependents = await provider.inventory.use((inventory) => dependentsOfTarget(inventory, state));
  return refusalFor(dependents, consequence, options.domainsBlock ?? true);
}

function refusalFor(dependents: TargetDependents, consequence: string, domainsBlock: boolean): Diagnostic | undefined {
  if (dependents.protectedDisks.length > 0) {
    return errorDiagnostic(
      'Target holds protected disks',
      `${consequence} It holds ${describeDependents(dependents)}, and disks with deletion_protection = true are never lost as a side effect. Keep the target (remove -replace, or undo the change that replaces it), or set deletion_protection = false on those disks and destroy them first.`,
      ['iqn'],
    );
  }
  if (domainsBlock && dependents.domains.length > 0) {
    return errorDiagnostic(
      'Target in use',
      `${consequence} It is used by ${describeDependents(dependents)}. Destroy those storage domains (and their disks) first, or keep the target (remove -replace, or undo the change that replaces it).`,
      ['iqn'],
    );
  }
  return undefined;
}

/**
 * Targets this provider process planned with a prior state (one process serves one terraform command):
 * a create plan for one of them is the second half of its replacement, never the adoption of a leftover.
 */
const plannedWithState = new Set<string>();

function targetKey(location: Pick<TargetLocation, 'address' | 'iqn'>): string {
  return `${location.address}/${location.iqn}`;
}

/**
 * A create plan for a target the storage server already has. When this command planned the target
 * with a prior state, it is the second half of a replacement (terraform apply -replace, or a change
 * that replaces it: Terraform plans the new object with no prior state), refused like the replacement
 * it is when storage domains use the target or it is protected. Otherwise it is what an interrupted
 * apply left: adopted by the apply when this workspace's (its block's token), refused here at once
 * when another workspace's or nobody's. An unreachable server says nothing here (the apply finds out).
 */
async function planCreate(provider: ProviderContext, planned: TargetPlanned): Promise<Diagnostic[]> {
  const { server_address: address, server_port: port, iqn, server_host_key: hostKey } = planned;
  if (typeof address !== 'string' || typeof iqn !== 'string' || typeof port !== 'number' || isUnknown(hostKey)) return [];
  const location: TargetLocation = { address, port, iqn, hostKey: hostKey as string | null };
  const found = await readTarget(provider, location).catch(() => undefined);
  if (found === undefined) return [];
  const key = targetKey(location);
  if (!plannedWithState.has(key)) {
    const verdict = leftoverVerdict(provider, TARGET_TYPE, key, found.target.workspace);
    if (verdict === 'adopt') return [];
    const creator = verdict === 'this-apply' ? undefined : await creatorOf(provider, formatTargetId(location));
    return [takenError(takenTarget(location), verdict, creator).toDiagnostic()];
  }
  const dependents = await provider.inventory.use((inventory) => dependentsOfTarget(inventory, { server_address: address, iqn }));
  if (dependents.domains.length === 0 && planned.deletion_protection !== true) return [];
  const refused = await refusal(provider, { server_address: address, iqn, deletion_protection: planned.deletion_protection === true }, 'replacing');
  return refused === undefined ? [] : [refused];
}

export const iscsiTargetResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_iscsi_target',
  description: iscsiTargetSchema.description,
  schema: iscsiTargetSchema,

  validate: ({ config }) => validateTargetConfig(config),

  async plan({ provider, prior, planned }) {
    const { server_address: address, server_port: port, iqn, server_host_key: hostKey } = planned;
    const addressKnown = typeof address === 'string';
    const idKnown = addressKnown && typeof port === 'number' && typeof iqn === 'string' && !isUnknown(hostKey);
    const next: TargetPlanned = {
      ...planned,
      id: idKnown ? formatTargetId({ address, port, iqn, hostKey: hostKey as string | null }) : unknown,
      portal: addressKnown ? portalOf(address) : unknown,
    };
    if (prior === null) return { planned: next, diagnostics: await planCreate(provider, planned) };
    plannedWithState.add(targetKey({ address: prior.server_address, iqn: prior.iqn }));
    const { diagnostics, replace } = planLunChanges(prior, planned);
    const moves = (typeof address === 'string' && address !== prior.server_address) || (typeof iqn === 'string' && iqn !== prior.iqn);
    if ((replace || moves) && diagnostics.length === 0) {
      const refused = await refusal(provider, prior, 'replacing');
      if (refused !== undefined) diagnostics.push(refused);
    }
    return { planned: next, diagnostics, ...(replace ? { requiresReplace: [['lun']] } : {}) };
  },

  async planDestroy({ provider, prior }) {
    const refused = await refusal(provider, prior, 'destroying', { domainsBlock: false });
    if (refused !== undefined) throw new DiagnosticError(refused.summary, refused.detail, refused.path);
  },

  async create({ provider, planned }) {
    const location = locationOf(planned);
    const spec = await specOf(provider, planned);
    const adopted = await withStorageServerLock(
      location,
      () =>
        onStorageServer(serverName(planned), TARGET_ATTRIBUTES, async () => {
          const { manager } = storageServer(provider, location);
          const leftover = (await manager.read()).managed.find((target) => target.iqn === planned.iqn);
          if (leftover === undefined) {
            // The block carries this workspace's token from its first write: a kill at any later step
            // leaves a target the next apply of this workspace recognizes as its own.
            await manager.create({ ...spec, workspace: provider.workspaceToken });
            recordMadeByThisApply(provider, TARGET_TYPE, targetKey(location));
            return false;
          }
          await refuseUnlessLeftover(provider, location, leftover, planned);
          progress(`adopting iSCSI target ${planned.iqn} on ${planned.server_address}, left by an interrupted apply of this workspace`);
          recordMadeByThisApply(provider, TARGET_TYPE, targetKey(location));
          await manager.update(spec);
          return true;
        }),
      provider.inventory,
    );
    const state = { ...planned, id: formatTargetId(location), portal: portalOf(planned.server_address) };
    await audit(provider, adopted ? 'adopt' : 'create', state);
    return state;
  },

  async read({ provider, state }) {
    const location = locationOf({ ...state, server_port: state.server_port ?? 22 });
    const { manager } = storageServer(provider, location);
    const server = await onStorageServer(serverName(state), TARGET_ATTRIBUTES, () => manager.read());
    const target = server.managed.find((candidate) => candidate.iqn === state.iqn);
    const served = server.targets.find((candidate) => candidate.iqn === state.iqn);
    if (target === undefined) return null;
    if (served !== undefined && served.owner === 'foreign') {
      throw new DiagnosticError(
        'Target replaced outside virtplane',
        `${state.server_address} serves a target named ${state.iqn} that does not carry virtplane's markers; virtplane will not touch it. Remove it on the server, or remove this resource from the state.`,
        ['iqn'],
      );
    }
    return targetStateFrom(state, target, served);
  },

  async update({ provider, planned }) {
    const location = locationOf(planned);
    const spec = await specOf(provider, planned);
    await withStorageServerLock(
      location,
      () => onStorageServer(serverName(planned), TARGET_ATTRIBUTES, () => storageServer(provider, location).manager.update(spec)),
      provider.inventory,
    );
    const state = { ...planned, id: formatTargetId(location), portal: portalOf(planned.server_address) };
    await audit(provider, 'update', state);
    return state;
  },

  async delete({ provider, prior }) {
    // Terraform destroys the storage domains on the target first; any still there (another workspace's) keep it.
    const refused = await refusal(provider, prior, 'destroying');
    if (refused !== undefined) throw new DiagnosticError(refused.summary, refused.detail, refused.path);
    const location = locationOf(prior);
    await withStorageServerLock(
      location,
      () => onStorageServer(serverName(prior), TARGET_ATTRIBUTES, () => storageServer(provider, location).manager.delete(prior.iqn)),
      provider.inventory,
    );
    await audit(provider, 'delete', prior);
  },

  async import({ id }) {
    const location = parseTargetId(id);
    if (location === undefined) {
      throw new DiagnosticError(
        'Invalid import id',
        `"${id}" is not an iSCSI target id: use ADDRESS:PORT/IQN (e.g. 10.0.0.2:22/iqn.2025-01.com.example:storage1), optionally followed by #KEY (the server's SSH key with ":" for its space, or its SHA256 fingerprint).`,
      );
    }
    return {
      id,
      server_address: location.address,
      server_port: location.port,
      server_host_key: location.hostKey,
      iqn: location.iqn,
      lun: [],
      allowed_initiators: [],
      replace_on_lun_removal: false,
      deletion_protection: false,
    };
  },
});

/**
 * Which hosts a virtplane iSCSI target admits.
 *
 * A target whose allowed_initiators is empty admits every initiator, hosts included: nothing to do.
 * A restricted target must also admit the initiator of every host of every data center whose storage
 * domains use it. Storage domains (and hosts joining or leaving a data center) add and remove those
 * names through the iSCSI backend; the target resource itself adds them again from the inventory
 * whenever it rewrites its ACL, and never shows them in allowed_initiators.
 */
import type { InitiatorRule, IscsiTargetManager, ManagedTarget, ServedTarget, TargetSpec } from '../../backends/iscsi/index.js';
import { KeyedLock } from '../../util/keyedLock.js';
import type { InventoryRepositories } from '../../inventory/index.js';
import { DiagnosticError, type AttributePath } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { hostInitiatorIqn, portalOf, storageServer, type TargetLocation } from './location.js';

const MIB = 1024 * 1024;

/**
 * Changes to one storage server are read-modify-write of a whole target: one at a time per process (this
 * lock), and across processes sharing a PostgreSQL inventory (two workspaces admitting their hosts on
 * the same target) under an advisory lock on the server, so neither loses the other's ACL change.
 */
const serverLock = new KeyedLock();

export function withStorageServerLock<T>(
  location: Pick<TargetLocation, 'address' | 'port'>,
  work: () => Promise<T>,
  inventory?: ProviderContext['inventory'],
): Promise<T> {
  const key = `${location.address}:${location.port}`;
  const locked = inventory === undefined ? work : () => inventory.use((db) => db.withAdvisoryLock(`virtplane.storage-server.${key}`, work));
  return serverLock.run(key, locked);
}

export function ruleText(rule: InitiatorRule): string {
  return rule.kind === 'name' ? rule.name : rule.address;
}

/** "iqn..." and "eui..." are initiator names; anything else is an address or subnet. */
export function ruleOf(text: string): InitiatorRule {
  return /^(iqn|eui|naa)\./i.test(text) ? { kind: 'name', name: text } : { kind: 'address', address: text };
}

/** The initiator rules tgtd enforces right now for a served target ("ALL" and virtplane's placeholder mean none). */
export function servedRules(served: ServedTarget): InitiatorRule[] {
  return served.acl.filter((entry) => entry !== 'ALL' && entry !== '0.0.0.0/32').map(ruleOf);
}

/** The host initiators of every host in a data center that has a storage domain on this target. */
export async function hostInitiatorsUsingTarget(inventory: InventoryRepositories, location: Pick<TargetLocation, 'address' | 'iqn'>): Promise<string[]> {
  const portal = portalOf(location.address);
  const domains = (await inventory.storageDomains.list()).filter(
    (domain) => domain.type === 'iscsi' && domain.iqn === location.iqn && domain.portal === portal,
  );
  const initiators = new Set<string>();
  for (const datacenterId of new Set(domains.map((domain) => domain.datacenterId))) {
    for (const cluster of await inventory.clusters.list(datacenterId)) {
      for (const host of await inventory.hosts.list(cluster.id)) initiators.add(hostInitiatorIqn(host.id));
    }
  }
  return [...initiators].sort();
}

/**
 * The spec that keeps a target exactly as it is, with other initiator rules. Refused when a LUN's
 * backing store is missing: rewriting the target would then create an empty one in its place.
 */
function specKeeping(target: ManagedTarget, initiators: readonly InitiatorRule[], chapPassword: string | null): TargetSpec {
  const luns = target.luns.map((lun) => {
    if (lun.backing === 'path') return { lun: lun.lun, backing: { kind: 'path' as const, path: lun.path } };
    if (lun.sizeBytes === undefined) {
      throw new DiagnosticError(
        'iSCSI target damaged',
        `LUN ${lun.lun} of ${target.iqn} has lost its backing store (${lun.path}); virtplane will not rewrite the target around it. Apply the virtplane_iscsi_target first.`,
      );
    }
    return { lun: lun.lun, backing: { kind: 'file' as const, sizeMib: Math.ceil(lun.sizeBytes / MIB) } };
  });
  const chap = target.chapUsername === undefined || chapPassword === null ? undefined : { username: target.chapUsername, password: chapPassword };
  return { iqn: target.iqn, luns, initiators, ...(chap === undefined ? {} : { chap }) };
}

interface AclOutcome {
  readonly outcome: 'changed' | 'unchanged' | 'open' | 'needs-chap';
  /** The CHAP user the target requires, if any (a storage domain's pools must log in as it). */
  readonly chapUsername: string | undefined;
}

interface AclChange {
  /** Host ids whose initiators the target must admit. */
  readonly admit: readonly string[];
  /** Host ids whose initiators it no longer needs to admit. */
  readonly release: readonly string[];
  /** Needed to rewrite a CHAP-protected target (the backend rewrites the whole target). */
  readonly chapPassword: string | null;
  /** Where a missing target is reported. */
  readonly targetPath?: AttributePath;
}

/**
 * Adds and removes host initiators on a virtplane target. An open target (no allowed_initiators) is
 * left open; a CHAP-protected one is left alone without the password ('needs-chap').
 */
export async function changeTargetAcl(provider: ProviderContext, location: TargetLocation, change: AclChange): Promise<AclOutcome> {
  const { manager } = storageServer(provider, location);
  return withStorageServerLock(
    location,
    async () => {
      const state = await manager.read();
      const target = state.managed.find((candidate) => candidate.iqn === location.iqn);
      const served = state.targets.find((candidate) => candidate.iqn === location.iqn);
      if (target === undefined || served?.owner === 'foreign') {
        throw new DiagnosticError(
          'iSCSI target not found',
          `virtplane manages no target ${location.iqn} on ${location.address}. Check iscsi_target_id, or apply the virtplane_iscsi_target first.`,
          change.targetPath,
        );
      }
      const current = served !== undefined ? servedRules(served) : [...target.initiators];
      const { chapUsername } = target;
      if (current.length === 0) return { outcome: 'open', chapUsername };
      const release = new Set(change.release.map(hostInitiatorIqn));
      const names = new Set(current.map(ruleText));
      const wanted = [
        ...current.filter((rule) => !(rule.kind === 'name' && release.has(rule.name))),
        ...change.admit
          .map(hostInitiatorIqn)
          .filter((name) => !names.has(name))
          .map((name): InitiatorRule => ({ kind: 'name', name })),
      ];
      const same = wanted.length === current.length && wanted.every((rule) => names.has(ruleText(rule)));
      if (same && served !== undefined) return { outcome: 'unchanged', chapUsername };
      if (chapUsername !== undefined && change.chapPassword === null) return { outcome: 'needs-chap', chapUsername };
      if (chapUsername !== undefined && change.chapPassword !== null) {
        // The ACL is rewritten with the whole target: a wrong password here would become the target's secret.
        const compared = await manager.compareChap(location.iqn, { username: chapUsername, password: change.chapPassword });
        if (compared.outcome !== 'match') {
          throw new DiagnosticError(
            "CHAP credentials differ from the target's",
            `Target ${location.iqn} has another CHAP password than the one given here; virtplane will not rewrite the target's secret from a storage domain. Set chap_password to the target's (virtplane_iscsi_target chap_password).`,
            ['chap_password'],
          );
        }
      }
      await manager.update(specKeeping(target, wanted, change.chapPassword));
      return { outcome: 'changed', chapUsername };
    },
    provider.inventory,
  );
}

export type ChapComparison = Awaited<ReturnType<IscsiTargetManager['compareChap']>>;

/** How a storage domain's CHAP settings compare with its virtplane target's (read only). */
export async function compareTargetChap(
  provider: ProviderContext,
  location: TargetLocation,
  credentials: { readonly username: string | null; readonly password: string | null },
): Promise<ChapComparison> {
  const { manager } = storageServer(provider, location);
  if (credentials.username === null || credentials.password === null) {
    const target = (await manager.read()).managed.find((candidate) => candidate.iqn === location.iqn);
    if (target === undefined) return { outcome: 'absent' };
    return target.chapUsername === undefined ? { outcome: 'match' } : { outcome: 'other-user', username: target.chapUsername };
  }
  return manager.compareChap(location.iqn, { username: credentials.username, password: credentials.password });
}

/** Host ids of the data center whose initiators a restricted target does not admit. */
export function hostsNotAdmitted(target: ManagedTarget, served: ServedTarget | undefined, hostIds: readonly string[]): string[] {
  const rules = served !== undefined ? servedRules(served) : [...target.initiators];
  if (rules.length === 0) return [];
  const names = new Set(rules.filter((rule) => rule.kind === 'name').map((rule) => ruleText(rule)));
  return hostIds.filter((id) => !names.has(hostInitiatorIqn(id)));
}

/** A virtplane target as its server has it now (undefined when virtplane has none of that name there). */
export async function readTarget(
  provider: ProviderContext,
  location: TargetLocation,
): Promise<{ target: ManagedTarget; served: ServedTarget | undefined } | undefined> {
  const state = await storageServer(provider, location).manager.read();
  const target = state.managed.find((candidate) => candidate.iqn === location.iqn);
  const served = state.targets.find((candidate) => candidate.iqn === location.iqn);
  if (target === undefined || served?.owner === 'foreign') return undefined;
  return { target, served };
}

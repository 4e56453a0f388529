/**
 * Everything a refresh needs from one host in ONE round trip: the host's facts and every domain,
 * network and pool with its state and persistent XML. One `script` call over SSH; inside it, one
 * virsh process lists the objects and a second one reads them all over a single libvirt connection
 * (virsh runs a `;`-separated command string), its output cut into sections by a random boundary.
 *
 * An object that vanishes between the listing and its read leaves an empty section; it is then
 * looked up on its own, so "gone" is still only concluded from a definite answer.
 */
import { randomBytes } from 'node:crypto';
import type { DomainModel } from './domainModel.js';
import { parseDomainXml } from './domainXml.js';
import { readVmSettings, type VmSettings } from './vmSettings.js';
import { lookupDomain, type DomainState } from './domains.js';
import type { LibvirtHost } from './host.js';
import { infoFields, yesNo } from './infoFields.js';
import type { NetworkModel } from './networkModel.js';
import { parseNetworkXml } from './networkXml.js';
import { lookupNetwork } from './networks.js';
import type { PoolModel } from './poolModel.js';
import { parsePoolXml } from './poolXml.js';
import { lookupPool, type PoolState } from './pools.js';
import {
  DOMAIN_STATS_COMMAND,
  HOST_COUNTER_SCRIPT,
  domainStatsFields,
  parseDomainStats,
  parseHostCounters,
  parseVolumeList,
  poolSizes,
  type DomainCounters,
  type HostCounters,
  type PoolVolumeSize,
} from './statisticsRead.js';
import { classifyVirshFailure, LibvirtOperationError } from './virshErrors.js';
import { childText, parseXml } from './xml.js';

export interface HostFacts {
  /** The host's own name (uname -n). */
  readonly hostname: string;
  /** Logical CPUs as libvirt reports them. */
  readonly cpus: number;
  /** MemTotal of /proc/meminfo. */
  readonly memoryMiB: number;
  /** MemAvailable of /proc/meminfo: what new guests can use without swapping. */
  readonly availableMemoryMiB: number;
  /** /dev/kvm is there: guests can be `type='kvm'` (else TCG, `type='qemu'`). */
  readonly kvm: boolean;
  /** libvirtd's version, e.g. "9.0.0". */
  readonly libvirtVersion: string;
  /** e.g. "QEMU 7.2.22". */
  readonly hypervisor: string;
}

/** `model` is undefined when the XML is one virtplane does not model (`parseError` says why). */
export interface BulkDomain {
  readonly uuid: string;
  readonly name: string;
  readonly state: DomainState;
  readonly stateReason?: string;
  readonly xml: string;
  readonly model?: DomainModel;
  readonly parseError?: string;
  /** virtplane's settings in the definition's metadata (vmSettings.ts); undefined when it has none or is unreadable. */
  readonly settings?: VmSettings;
  /**
   * What the running guest has now (`domstats`: vcpu.current, balloon.current), which live changes made outside the persistent
   * definition (virsh setvcpus/setmem --live) make differ from `model`; absent for a domain that is
   * not running.
   */
  readonly live?: { readonly vcpus: number; readonly memoryMiB: number };
}

/** An address libvirt's dnsmasq handed out on a network of this host. */
export interface DhcpLease {
  /** Lowercase. */
  readonly mac: string;
  /** Without the prefix length. */
  readonly ipv4: string;
  readonly hostname?: string;
}

export interface BulkNetwork {
  readonly uuid: string;
  readonly name: string;
  readonly active: boolean;
  readonly autostart: boolean;
  readonly persistent: boolean;
  readonly xml: string;
  readonly model?: NetworkModel;
  readonly parseError?: string;
  /** The network's current DHCP leases (none for a network without DHCP, or inactive). */
  readonly leases: readonly DhcpLease[];
}

export interface BulkPool {
  readonly uuid: string;
  readonly name: string;
  readonly state: PoolState;
  readonly autostart: boolean;
  readonly persistent: boolean;
  readonly xml: string;
  readonly model?: PoolModel;
  readonly parseError?: string;
}

/** What a bulk read with `statistics: true` adds: the figures the engine's collector stores. */
export interface HostStatisticsRead {
  readonly host: HostCounters;
  /** Running domains only, keyed by UUID (domstats names them; the listing maps names to UUIDs). */
  readonly domains: ReadonlyMap<string, DomainCounters>;
  /** Active pools, keyed by UUID: their sizes and volumes (an iSCSI pool's volumes are its LUNs). */
  readonly pools: ReadonlyMap<
    string,
    { readonly capacityBytes: number; readonly allocationBytes: number; readonly availableBytes: number; readonly volumes: readonly PoolVolumeSize[] }
  >;
}

export interface HostInventory {
  /** The LibvirtHost's name (e.g. "kvm1"). */
  readonly host: string;
  readonly facts: HostFacts;
  readonly domains: readonly BulkDomain[];
  readonly networks: readonly BulkNetwork[];
  readonly pools: readonly BulkPool[];
  /** Only when the read asked for statistics (and the host's counters could be read). */
  readonly statistics?: HostStatisticsRead;
}

/**
 * $1 libvirt URI, $2 boundary, $3 "stats" to add the statistics (statisticsRead.ts). Wrapped in a function called with stdin from /dev/null: the script
 * itself arrives on stdin (sh -s), which no command inside may read.
 */
const BULK_READ_SCRIPT = `set -u
bulk_read() {
  uri=$1
  b=$2
  stats=$3
  printf '%s facts\\n' "$b"
  printf 'hostname=%s\\n' "$(uname -n)"
  if [ -c /dev/kvm ]; then echo kvm=yes; else echo kvm=no; fi
  awk '$1 == "MemTotal:" { print "memTotalKiB=" $2 } $1 == "MemAvailable:" { print "memAvailableKiB=" $2 }' /proc/meminfo
  if [ "$stats" = stats ]; then
  ${HOST_COUNTER_SCRIPT}
  fi
  lists=$(LC_ALL=C virsh -c "$uri" "list --all --uuid; echo $b; net-list --all --uuid; echo $b; pool-list --all --uuid") || exit 3
  cmds="echo $b nodeinfo; nodeinfo; echo $b version; version --daemon; echo $b domain-names; list --all --uuid --name; echo $b domain-states; domstats --state --vcpu --balloon"
  if [ "$stats" = stats ]; then cmds="$cmds; echo $b domstats; ${DOMAIN_STATS_COMMAND}"; fi
  kind=domain
  for word in $lists; do
    if [ "$word" = "$b" ]; then
      if [ "$kind" = domain ]; then kind=network; else kind=pool; fi
      continue
    fi
    case $word in *[!0-9a-f-]*) continue ;; esac
    case $kind in
      domain) cmds="$cmds; echo $b domain $word; echo $b domain-xml $word; dumpxml --inactive --domain $word" ;;
      network) cmds="$cmds; echo $b network $word; net-info --network $word; echo $b network-xml $word; net-dumpxml --inactive --network $word; echo $b network-leases $word; net-dhcp-leases --network $word" ;;
      pool)
        cmds="$cmds; echo $b pool $word; pool-info --bytes --pool $word; echo $b pool-xml $word; pool-dumpxml --inactive --pool $word"
        if [ "$stats" = stats ]; then cmds="$cmds; echo $b pool-volumes $word; vol-list --details --pool $word"; fi ;;
    esac
  done
  printf '%s batch\\n' "$b"
  LC_ALL=C virsh -c "$uri" "$cmds"
}
bulk_read "$@" </dev/null
`;

interface Section {
  readonly label: string;
  readonly id: string | undefined;
  readonly text: string;
}

function splitSections(stdout: string, boundary: string): Section[] {
  const sections: Section[] = [];
  let current: { label: string; id: string | undefined; lines: string[] } | undefined;
  const close = (): void => {
    if (current) sections.push({ label: current.label, id: current.id, text: current.lines.join('\n').trim() });
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${boundary} `)) {
      close();
      const [label = '', id] = line
        .slice(boundary.length + 1)
        .trim()
        .split(' ');
      current = { label, id, lines: [] };
    } else {
      current?.lines.push(line);
    }
  }
  close();
  return sections;
}

/**
 * `virsh net-dhcp-leases` rows: " 2026-12-06 09:57:21   52:54:00:97:64:03   ipv4   10.201.0.60/24   web   ff:..."
 * (the header, the rule and IPv6 rows are skipped; a lease without a hostname has "-").
 */
export function parseDhcpLeases(text: string): DhcpLease[] {
  const leases: DhcpLease[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || fields[3] !== 'ipv4' || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(fields[2] ?? '')) continue;
    const ipv4 = (fields[4] ?? '').split('/')[0] ?? '';
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ipv4)) continue;
    const hostname = fields[5];
    leases.push({ mac: fields[2]!.toLowerCase(), ipv4, ...(hostname === undefined || hostname === '-' ? {} : { hostname }) });
  }
  return leases;
}

function parseFacts(facts: ReadonlyMap<string, string>, nodeinfo: ReadonlyMap<string, string>, version: string): HostFacts {
  const daemon = /Running against daemon:\s*(\S+)/.exec(version)?.[1];
  const hypervisor = /Running hypervisor:\s*(.+)/.exec(version)?.[1]?.trim();
  const kib = (key: string): number => Number(facts.get(key) ?? NaN);
  return {
    hostname: facts.get('hostname') ?? '',
    cpus: Number(nodeinfo.get('CPU(s)') ?? NaN),
    memoryMiB: Math.floor(kib('memTotalKiB') / 1024),
    availableMemoryMiB: Math.floor(kib('memAvailableKiB') / 1024),
    kvm: facts.get('kvm') === 'yes',
    libvirtVersion: daemon ?? '',
    hypervisor: hypervisor ?? '',
  };
}

function keyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return values;
}

function parseWith<T>(parse: () => T): { model?: T; parseError?: string } {
  try {
    return { model: parse() };
  } catch (error) {
    return { parseError: (error as Error).message };
  }
}

/**
 * A domain whose definition is parsed when something first asks for it, once, model and settings from
 * the same tree: parsing is most of a bulk read's CPU (1-5 ms per domain), a plan looks only at the VMs
 * it manages, and a host may hold many more.
 */
function parsedOnFirstUse(domain: Omit<BulkDomain, 'model' | 'parseError' | 'settings'>): BulkDomain {
  let parsed: { readonly model?: DomainModel; readonly settings?: VmSettings; readonly parseError?: string } | undefined;
  const parse = (): NonNullable<typeof parsed> => {
    if (parsed === undefined) {
      try {
        const { model, tree } = parseDomainXml(domain.xml);
        const settings = readVmSettings(tree);
        parsed = settings === undefined ? { model } : { model, settings };
      } catch (error) {
        parsed = { parseError: (error as Error).message };
      }
    }
    return parsed;
  };
  return {
    ...domain,
    get model(): DomainModel | undefined {
      return parse().model;
    },
    get parseError(): string | undefined {
      return parse().parseError;
    },
    get settings(): VmSettings | undefined {
      return parse().settings;
    },
  };
}

/** The name of an object whose XML virtplane does not model (best effort: '' when unreadable). */
function nameIn(xml: string): string {
  try {
    return childText(parseXml(xml), 'name') ?? '';
  } catch {
    return '';
  }
}

/** libvirt's virDomainState, as `domstats --state` numbers it (state.state), in virsh's words. */
const DOMAIN_STATES: Readonly<Record<number, DomainState>> = {
  0: 'no state',
  1: 'running',
  2: 'idle',
  3: 'paused',
  4: 'in shutdown',
  5: 'shut off',
  6: 'crashed',
  7: 'pmsuspended',
};

/** Why a domain is in its state (state.reason: libvirt's virDomain<State>Reason), in virsh's words. */
const STATE_REASONS: Partial<Record<DomainState, readonly string[]>> = {
  running: [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from snapshot',
    'unpaused',
    'migration canceled',
    'save canceled',
    'event wakeup',
    'crashed',
    'post-copy',
    'post-copy failed',
  ],
  paused: [
    'unknown',
    'user',
    'migrating',
    'saving',
    'dumping',
    'I/O error',
    'watchdog',
    'from snapshot',
    'shutting down',
    'creating snapshot',
    'crashed',
    'starting up',
    'post-copy',
    'post-copy failed',
    'api error',
  ],
  'shut off': ['unknown', 'shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from snapshot', 'daemon'],
};

/** `list --all --uuid --name`: "UUID NAME" per line (a name may hold spaces), by lowercase UUID. */
function domainNames(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([0-9a-fA-F-]{36})\s+(.+?)\s*$/.exec(line);
    if (match) names.set(match[1]!.toLowerCase(), match[2]!);
  }
  return names;
}

/** A running domain's vCPUs and memory now, from `domstats --vcpu --balloon` (memory in KiB). */
function liveFigures(fields: ReadonlyMap<string, string> | undefined): { vcpus: number; memoryMiB: number } | undefined {
  const vcpus = Number(fields?.get('vcpu.current'));
  const memoryKiB = Number(fields?.get('balloon.current'));
  return Number.isFinite(vcpus) && vcpus > 0 && Number.isFinite(memoryKiB) && memoryKiB > 0 ? { vcpus, memoryMiB: Math.floor(memoryKiB / 1024) } : undefined;
}

interface BulkReadOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Add the statistics (host counters, domstats, pool volumes) to the same round trip. */
  readonly statistics?: boolean;
}

export async function readHostInventory(host: LibvirtHost, options: BulkReadOptions = {}): Promise<HostInventory> {
  const boundary = `VPB${randomBytes(12).toString('hex')}`;
  const result = await host.script(BULK_READ_SCRIPT, [host.uri, boundary, options.statistics === true ? 'stats' : 'plain'], {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    // 3: listing failed; 1: the last command of the batch failed (the sections say what is missing).
    allowExitCodes: [1, 3],
  });
  const sections = splitSections(result.stdout, boundary);
  const find = (label: string, id?: string): Section | undefined => sections.find((s) => s.label === label && s.id === id);
  const nodeinfo = find('nodeinfo');
  const version = find('version');
  if (result.exitCode === 3 || !find('batch') || !nodeinfo?.text || !version?.text) {
    throw classifyVirshFailure(host.name, ['bulk-read'], result.stderr || 'the bulk read printed no inventory');
  }
  const factValues = keyValues(find('facts')?.text ?? '');
  const facts = parseFacts(factValues, infoFields(nodeinfo.text), version.text);

  // One listing and one domstats for every domain, not a domstate and a dominfo each: libvirtd answers
  // two calls instead of 2N, and the read of a host of many domains takes about half the time.
  const names = domainNames(find('domain-names')?.text ?? '');
  const statesByName = domainStatsFields(find('domain-states')?.text ?? '');
  const domains: BulkDomain[] = [];
  // The `domain` sections, empty, mark each UUID of the script's first listing (the one its dumpxml
  // commands were made from); the listing and domstats of the batch say what each is now.
  for (const section of sections.filter((s) => s.label === 'domain')) {
    const uuid = section.id ?? '';
    const name = names.get(uuid.toLowerCase());
    const xml = find('domain-xml', uuid)?.text ?? '';
    const figures = name === undefined ? undefined : statesByName.get(name);
    const stateCode = Number(figures?.get('state.state'));
    const state = DOMAIN_STATES[stateCode];
    if (name === undefined || state === undefined || xml === '') {
      // Gone or renamed since the listing, or half-read: asked alone (lookupDomain says gone as undefined).
      const record = await lookupDomain(host, uuid);
      if (record) domains.push({ uuid, name: record.name, state: record.state, xml: record.xml, model: record.model });
      continue;
    }
    const reason = STATE_REASONS[state]?.[Number(figures?.get('state.reason'))];
    const live = state === 'shut off' ? undefined : liveFigures(figures);
    domains.push(
      parsedOnFirstUse({
        uuid,
        name,
        state,
        ...(reason === undefined ? {} : { stateReason: reason }),
        xml,
        ...(live === undefined ? {} : { live }),
      }),
    );
  }

  const networks: BulkNetwork[] = [];
  for (const section of sections.filter((s) => s.label === 'network')) {
    const uuid = section.id ?? '';
    const xml = find('network-xml', uuid)?.text ?? '';
    if (section.text === '' || xml === '') {
      const record = await lookupNetwork(host, uuid);
      if (record)
        networks.push({
          uuid,
          name: record.name,
          active: record.active,
          autostart: record.autostart,
          persistent: record.persistent,
          xml: record.xml,
          model: record.model,
          leases: [],
        });
      continue;
    }
    const info = infoFields(section.text);
    const parsed = parseWith(() => parseNetworkXml(xml).model);
    networks.push({
      uuid,
      name: info.get('Name') ?? nameIn(xml),
      active: yesNo(info.get('Active')),
      autostart: yesNo(info.get('Autostart')),
      persistent: yesNo(info.get('Persistent')),
      xml,
      ...parsed,
      leases: parseDhcpLeases(find('network-leases', uuid)?.text ?? ''),
    });
  }

  const pools: BulkPool[] = [];
  for (const section of sections.filter((s) => s.label === 'pool')) {
    const uuid = section.id ?? '';
    const xml = find('pool-xml', uuid)?.text ?? '';
    if (section.text === '' || xml === '') {
      const record = await lookupPool(host, uuid);
      if (record)
        pools.push({
          uuid,
          name: record.name,
          state: record.state,
          autostart: record.autostart,
          persistent: record.persistent,
          xml: record.xml,
          model: record.model,
        });
      continue;
    }
    const info = infoFields(section.text);
    const parsed = parseWith(() => parsePoolXml(xml).model);
    pools.push({
      uuid,
      name: info.get('Name') ?? nameIn(xml),
      state: (info.get('State') ?? 'inactive') as PoolState,
      autostart: yesNo(info.get('Autostart')),
      persistent: yesNo(info.get('Persistent')),
      xml,
      ...parsed,
    });
  }

  if (!Number.isFinite(facts.cpus) || facts.hostname === '') {
    throw new LibvirtOperationError(host.name, 'the bulk read returned incomplete host facts');
  }
  const statistics = options.statistics === true ? statisticsOf(factValues, sections, domains, pools) : undefined;
  return { host: host.name, facts, domains, networks, pools, ...(statistics === undefined ? {} : { statistics }) };
}

function statisticsOf(
  factValues: ReadonlyMap<string, string>,
  sections: readonly Section[],
  domains: readonly BulkDomain[],
  pools: readonly BulkPool[],
): HostStatisticsRead | undefined {
  const counters = parseHostCounters(factValues);
  if (counters === undefined) return undefined;
  const uuidByName = new Map(domains.map((domain) => [domain.name, domain.uuid]));
  const domainCounters = new Map<string, DomainCounters>();
  for (const stats of parseDomainStats(sections.find((section) => section.label === 'domstats')?.text ?? '')) {
    const uuid = uuidByName.get(stats.name);
    if (uuid !== undefined) domainCounters.set(uuid, stats);
  }
  const poolFigures = new Map<string, HostStatisticsRead['pools'] extends ReadonlyMap<string, infer V> ? V : never>();
  for (const pool of pools) {
    const sizes = poolSizes(sections.find((section) => section.label === 'pool' && section.id === pool.uuid)?.text ?? '');
    if (pool.state !== 'running' || sizes === undefined) continue;
    const volumes = parseVolumeList(sections.find((section) => section.label === 'pool-volumes' && section.id === pool.uuid)?.text ?? '');
    poolFigures.set(pool.uuid, { ...sizes, volumes });
  }
  return { host: counters, domains: domainCounters, pools: poolFigures };
}

/**
 * What a VM's Terraform configuration says that a libvirt domain has no place for (the host it is
 * pinned to, high availability, its shutdown timeout, which virtplane disk and network each device
 * is), kept in the domain's own <metadata> under virtplane's VM namespace:
 *
 *   <vpvm:vm xmlns:vpvm="https://virtplane.dev/xmlns/vm/1" highAvailability="false" haPriority="0" shutdownTimeoutSeconds="60"
 *            workspace="TOKEN">   (the Terraform workspace whose apply created it)
 *     <vpvm:pin host="HOST_ID"/>
 *     <vpvm:disk id="DISK_ID" dev="vda"/>
 *     <vpvm:nic network="NETWORK_ID" mac="52:54:00:..."/>
 *   </vpvm:vm>
 *
 * Reality lives on the hosts: import and refresh rebuild a VM's whole state from its domain, and a
 * drain reads pins from here. libvirt keeps the element through redefinitions and migrations (a
 * namespaced <metadata> child is opaque to it), and the libvirt backend keeps it on every update.
 *
 * A codec beside metadata.ts (the ownership element): callers outside the backend read settings with
 * `parseVmSettings` and write them only through the define operations (domains.ts: the `vmSettings`
 * of a definition, or `writeVmSettings`), never by editing XML themselves.
 */
import { attr, childElements, el, firstChild, localName, namespaceOf, parseDocument, removeChildren, serializeXml, type XmlElement } from './xml.js';

const VM_SETTINGS_NAMESPACE = 'https://virtplane.dev/xmlns/vm/1';
const PREFIX = 'vpvm';

export interface VmSettings {
  readonly pinnedHostId: string | null;
  readonly highAvailability: boolean;
  /** Restart order of HA VMs after their host is fenced: higher first. Absent: 0. */
  readonly haPriority?: number;
  readonly shutdownTimeoutSeconds: number;
  /** Target device (vda ...) -> virtplane disk id. */
  readonly disks: readonly { readonly diskId: string; readonly dev: string }[];
  /** MAC -> virtplane network id. */
  readonly nics: readonly { readonly networkId: string; readonly mac: string }[];
  /**
   * The token of the Terraform workspace whose apply created the VM (an opaque string; null when
   * absent). Only an apply of that same workspace adopts the VM when its state lost it (an interrupted
   * apply); every other workspace finds the name taken. Written at create, kept by every later define:
   * nothing marks a VM at refresh (plan and refresh never write).
   */
  readonly workspaceToken: string | null;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 60;

function isSettingsElement(element: XmlElement, ancestors: readonly XmlElement[]): boolean {
  return localName(element) === 'vm' && namespaceOf(element, ancestors) === VM_SETTINGS_NAMESPACE;
}

function ours(element: XmlElement, ancestors: readonly XmlElement[], name: string): boolean {
  return localName(element) === name && namespaceOf(element, ancestors) === VM_SETTINGS_NAMESPACE;
}

/** The settings in a domain's XML tree; undefined when it has none (a domain virtplane did not write). */
export function readVmSettings(domain: XmlElement): VmSettings | undefined {
  const metadata = firstChild(domain, 'metadata');
  if (!metadata) return undefined;
  const settings = childElements(metadata).find((child) => isSettingsElement(child, [domain, metadata]));
  if (!settings) return undefined;
  const scope = [domain, metadata, settings];
  const children = childElements(settings);
  const pin = children.find((child) => ours(child, scope, 'pin'));
  const timeout = Number(attr(settings, 'shutdownTimeoutSeconds'));
  return {
    pinnedHostId: attr(pin, 'host') ?? null,
    highAvailability: attr(settings, 'highAvailability') === 'true',
    // Written only when not 0, so settings of domains from before it read back as they were written.
    ...(Number.isInteger(Number(attr(settings, 'haPriority') ?? 'none')) ? { haPriority: Number(attr(settings, 'haPriority')) } : {}),
    shutdownTimeoutSeconds: Number.isInteger(timeout) && timeout >= 0 ? timeout : DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
    workspaceToken: attr(settings, 'workspace') ?? null,
    disks: children
      .filter((child) => ours(child, scope, 'disk'))
      .flatMap((child) => {
        const diskId = attr(child, 'id');
        const dev = attr(child, 'dev');
        return diskId === undefined || dev === undefined ? [] : [{ diskId, dev }];
      }),
    nics: children
      .filter((child) => ours(child, scope, 'nic'))
      .flatMap((child) => {
        const networkId = attr(child, 'network');
        const mac = attr(child, 'mac');
        return networkId === undefined || mac === undefined ? [] : [{ networkId, mac: mac.toLowerCase() }];
      }),
  };
}

function settingsElement(settings: VmSettings): XmlElement {
  return el(
    `${PREFIX}:vm`,
    {
      [`xmlns:${PREFIX}`]: VM_SETTINGS_NAMESPACE,
      highAvailability: settings.highAvailability,
      haPriority: settings.haPriority === undefined || settings.haPriority === 0 ? undefined : settings.haPriority,
      shutdownTimeoutSeconds: settings.shutdownTimeoutSeconds,
      workspace: settings.workspaceToken ?? undefined,
    },
    [
      settings.pinnedHostId === null ? undefined : el(`${PREFIX}:pin`, { host: settings.pinnedHostId }),
      ...settings.disks.map((disk) => el(`${PREFIX}:disk`, { id: disk.diskId, dev: disk.dev })),
      ...settings.nics.map((nic) => el(`${PREFIX}:nic`, { network: nic.networkId, mac: nic.mac })),
    ],
  );
}

/** Writes the settings into the domain tree (replacing ours, keeping every other application's metadata). */
export function applyVmSettings(domain: XmlElement, settings: VmSettings): void {
  let metadata = firstChild(domain, 'metadata');
  if (!metadata) {
    metadata = el('metadata');
    const anchor = firstChild(domain, 'uuid') ?? firstChild(domain, 'name');
    domain.elements.splice(anchor === undefined ? 0 : domain.elements.indexOf(anchor) + 1, 0, metadata);
  }
  const scope = metadata;
  removeChildren(scope, (child) => isSettingsElement(child, [domain, scope]));
  scope.elements.push(settingsElement(settings));
}

/** The settings in a domain's XML (as `dumpxml` prints it); undefined when it has none. */
export function parseVmSettings(domainXml: string): VmSettings | undefined {
  return readVmSettings(parseDocument(domainXml, 'domain'));
}

/** The domain's XML with `settings` written in, nothing else changed (see `writeVmSettings`). */
export function withVmSettings(domainXml: string, settings: VmSettings): string {
  const domain = parseDocument(domainXml, 'domain');
  applyVmSettings(domain, settings);
  return serializeXml(domain);
}

/**
 * Ownership metadata: what marks a libvirt object as virtplane's, so import, drift and orphans can
 * be detected and unmanaged objects are never touched.
 *
 * Where libvirt 9.0 keeps it (verified by defining each object and dumping it back):
 * - domain and network: `<metadata><vp:owner xmlns:vp="https://virtplane.dev/xmlns/libvirt/1">` with
 *   one child element per field. (libvirt 9.0 drops a network's <title>/<description>, but keeps its
 *   <metadata>.)
 * - storage pool: libvirt 9.0 drops a pool's <metadata> and <description>, but keeps
 *   `<source><vendor name/><product name/></source>` for every pool type (they are informational and no
 *   backend reads them): vendor name is "virtplane", product name holds the fields as URL-encoded
 *   `key=value&...`.
 * - storage volume: no free-form field at all; a volume belongs to virtplane through its pool.
 */
import { LibvirtModelError } from './errors.js';
import { attr, childElements, el, firstChild, isXmlSafe, localName, namespaceOf, removeChildren, textEl, textOf, type XmlElement } from './xml.js';

export const VIRTPLANE_XML_NAMESPACE = 'https://virtplane.dev/xmlns/libvirt/1';
const VIRTPLANE_XML_PREFIX = 'vp';
export const VIRTPLANE_MANAGER = 'virtplane';
/** `<vendor name>` of a pool virtplane owns. */
const VIRTPLANE_POOL_VENDOR = 'virtplane';

export interface OwnerMetadata {
  /** "virtplane" when we wrote it; read back as found. */
  readonly managedBy: string;
  /** The Terraform resource type, e.g. "virtplane_vm". */
  readonly resourceType?: string;
  /** The inventory id of the resource that owns this object. */
  readonly resourceId: string;
  readonly dataCenter?: string;
  readonly cluster?: string;
}

/** Field order as written; also the set of fields that are read back. */
const OWNER_FIELDS = ['managedBy', 'resourceType', 'resourceId', 'dataCenter', 'cluster'] as const;
type OwnerField = (typeof OWNER_FIELDS)[number];

export function validateOwner(owner: OwnerMetadata, path = 'owner'): void {
  if (owner.managedBy === '') throw new LibvirtModelError(`${path}.managedBy`, 'must not be empty');
  if (owner.resourceId === '') throw new LibvirtModelError(`${path}.resourceId`, 'must not be empty');
  for (const field of OWNER_FIELDS) {
    const value = owner[field];
    if (value !== undefined && !isXmlSafe(value)) {
      throw new LibvirtModelError(`${path}.${field}`, 'contains a character XML cannot carry');
    }
  }
}

function ownerFromFields(read: (field: OwnerField) => string | undefined): OwnerMetadata | undefined {
  const managedBy = read('managedBy');
  const resourceId = read('resourceId');
  if (managedBy === undefined || resourceId === undefined) return undefined;
  const owner: { -readonly [K in OwnerField]?: string } = { managedBy, resourceId };
  for (const field of ['resourceType', 'dataCenter', 'cluster'] as const) {
    const value = read(field);
    if (value !== undefined) owner[field] = value;
  }
  return owner as OwnerMetadata;
}

// ---------------------------------------------------------------------------------------------
// <metadata> (domains, networks)

function isOwnerElement(child: XmlElement, ancestors: readonly XmlElement[]): boolean {
  return localName(child) === 'owner' && namespaceOf(child, ancestors) === VIRTPLANE_XML_NAMESPACE;
}

/** Reads `<metadata><vp:owner>` of a domain or network root; any prefix bound to our namespace works. */
export function readOwnerMetadata(root: XmlElement): OwnerMetadata | undefined {
  const metadata = firstChild(root, 'metadata');
  if (!metadata) return undefined;
  const owner = childElements(metadata).find((child) => isOwnerElement(child, [root, metadata]));
  if (!owner) return undefined;
  const fields = childElements(owner).filter((field) => namespaceOf(field, [root, metadata, owner]) === VIRTPLANE_XML_NAMESPACE);
  return ownerFromFields((name) => {
    const field = fields.find((candidate) => localName(candidate) === name);
    return field === undefined ? undefined : textOf(field);
  });
}

function ownerElement(owner: OwnerMetadata): XmlElement {
  validateOwner(owner);
  const children = OWNER_FIELDS.flatMap((field) => {
    const value = owner[field];
    return value === undefined ? [] : [textEl(`${VIRTPLANE_XML_PREFIX}:${field}`, value)];
  });
  return el(`${VIRTPLANE_XML_PREFIX}:owner`, { [`xmlns:${VIRTPLANE_XML_PREFIX}`]: VIRTPLANE_XML_NAMESPACE }, children);
}

/**
 * Puts `owner` into the root's <metadata> (replacing ours, keeping every other application's
 * element), or removes ours when `owner` is undefined (and <metadata> when nothing is left in it).
 */
export function applyOwnerMetadata(root: XmlElement, owner: OwnerMetadata | undefined): void {
  let metadata = firstChild(root, 'metadata');
  if (metadata) {
    const scope = metadata;
    removeChildren(scope, (child) => isOwnerElement(child, [root, scope]));
  }
  if (owner === undefined) {
    if (metadata && childElements(metadata).length === 0) removeChildren(root, (child) => child === metadata);
    return;
  }
  if (!metadata) {
    metadata = el('metadata');
    // libvirt does not care where <metadata> sits; after <uuid>/<name> is where it dumps it.
    const anchor = firstChild(root, 'uuid') ?? firstChild(root, 'name');
    const index = anchor === undefined ? 0 : root.elements.indexOf(anchor) + 1;
    root.elements.splice(index, 0, metadata);
  }
  metadata.elements.push(ownerElement(owner));
}

// ---------------------------------------------------------------------------------------------
// Pools: <source><vendor name='virtplane'/><product name='managedBy=...&resourceId=...'/>

export function readPoolOwner(source: XmlElement | undefined): OwnerMetadata | undefined {
  if (!source) return undefined;
  if (attr(firstChild(source, 'vendor'), 'name') !== VIRTPLANE_POOL_VENDOR) return undefined;
  const encoded = attr(firstChild(source, 'product'), 'name');
  if (encoded === undefined) return undefined;
  const params = new URLSearchParams(encoded);
  return ownerFromFields((field) => params.get(field) ?? undefined);
}

export function encodePoolOwner(owner: OwnerMetadata): string {
  validateOwner(owner);
  const params = new URLSearchParams();
  for (const field of OWNER_FIELDS) {
    const value = owner[field];
    if (value !== undefined) params.set(field, value);
  }
  return params.toString();
}

/** Sets or clears our vendor/product pair; a foreign vendor/product is left alone when clearing. */
export function applyPoolOwner(source: XmlElement, owner: OwnerMetadata | undefined): void {
  const ours = attr(firstChild(source, 'vendor'), 'name') === VIRTPLANE_POOL_VENDOR;
  if (owner === undefined) {
    if (ours) removeChildren(source, (child) => child.name === 'vendor' || child.name === 'product');
    return;
  }
  removeChildren(source, (child) => child.name === 'vendor' || child.name === 'product');
  source.elements.push(el('vendor', { name: VIRTPLANE_POOL_VENDOR }), el('product', { name: encodePoolOwner(owner) }));
}

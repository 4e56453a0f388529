/**
 * Storage volumes: the ones virtplane creates in dir pools (vol-create from `buildVolumeXml`), and the
 * LUNs an iscsi-direct pool lists. Volume XML has no free-form field, so a volume carries no
 * ownership metadata of its own: it belongs to virtplane through its pool and the inventory.
 */
import { LibvirtModelError, LibvirtXmlParseError } from './errors.js';
import { validateObjectName } from './names.js';
import { bytesToMiB, toBytes } from './units.js';
import { attr, childText, descend, el, firstChild, parseDocument, serializeXml, textEl, textOf, type XmlElement } from './xml.js';

type VolumeFormat = 'raw' | 'qcow2';

/** A volume to create. */
export interface VolumeModel {
  readonly name: string;
  readonly capacityMiB: number;
  /** Left to libvirt (raw) when undefined. */
  readonly format?: VolumeFormat;
}

/** A volume as libvirt reports it. */
export interface VolumeInfo {
  readonly name: string;
  /** libvirt's key: the path for dir pools, an iSCSI identifier for LUNs. */
  readonly key?: string;
  /** Where QEMU opens it: a file path, or `iscsi://...` for an iscsi-direct LUN. */
  readonly path?: string;
  readonly type?: string;
  readonly capacityMiB: number;
  readonly allocationMiB: number;
  /** The image format when libvirt knows it (dir pools). */
  readonly format?: string;
}

function sizeMiB(root: XmlElement, name: string): number {
  const element = firstChild(root, name);
  return element ? bytesToMiB(toBytes(textOf(element), attr(element, 'unit'), 'bytes', name)) : 0;
}

export function parseVolumeXml(xml: string): VolumeInfo {
  const root = parseDocument(xml, 'volume');
  const name = childText(root, 'name');
  if (name === undefined) throw new LibvirtXmlParseError('The volume has no <name>');
  const key = childText(root, 'key');
  const path = childText(firstChild(root, 'target') ?? el('target'), 'path');
  const type = attr(root, 'type');
  const format = attr(descend(root, 'target', 'format'), 'type');
  return {
    name,
    ...(key === undefined ? {} : { key }),
    ...(path === undefined ? {} : { path }),
    ...(type === undefined ? {} : { type }),
    capacityMiB: sizeMiB(root, 'capacity'),
    allocationMiB: sizeMiB(root, 'allocation'),
    ...(format === undefined ? {} : { format }),
  };
}

function validateVolume(model: VolumeModel): void {
  validateObjectName(model.name);
  if (!Number.isInteger(model.capacityMiB) || model.capacityMiB < 1) {
    throw new LibvirtModelError('capacityMiB', `must be a positive integer, not ${model.capacityMiB}`);
  }
}

/** XML for `vol-create`: sparse (allocation 0), in MiB. */
export function buildVolumeXml(model: VolumeModel): string {
  validateVolume(model);
  return serializeXml(
    el('volume', {}, [
      textEl('name', model.name),
      textEl('capacity', String(model.capacityMiB), { unit: 'MiB' }),
      textEl('allocation', '0', { unit: 'MiB' }),
      model.format === undefined ? undefined : el('target', {}, [el('format', { type: model.format })]),
    ]),
  );
}

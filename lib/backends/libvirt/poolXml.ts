/** Storage pool model <-> pool XML; applying keeps what the model does not cover (permissions...). */
import { LibvirtModelError, LibvirtXmlParseError } from './errors.js';
import { applyPoolOwner, readPoolOwner } from './metadata.js';
import { validatePool, type PoolModel, type PoolSizes } from './poolModel.js';
import { toBytes } from './units.js';
import {
  attr,
  childText,
  cloneElement,
  descend,
  el,
  ensureChild,
  firstChild,
  parseDocument,
  removeChildren,
  replaceOrAppend,
  serializeXml,
  setChildText,
  textOf,
  type XmlElement,
} from './xml.js';

interface ParsedPool {
  readonly model: PoolModel;
  readonly sizes: PoolSizes;
  readonly tree: XmlElement;
}

function sizeOf(root: XmlElement, name: string): number {
  const element = firstChild(root, name);
  return element ? toBytes(textOf(element), attr(element, 'unit'), 'bytes', name) : 0;
}

function poolFromTree(root: XmlElement): PoolModel {
  if (root.name !== 'pool') throw new LibvirtXmlParseError(`Expected <pool>, found <${root.name}>`);
  const name = childText(root, 'name');
  if (name === undefined) throw new LibvirtXmlParseError('The pool has no <name>');
  const uuid = childText(root, 'uuid');
  const source = firstChild(root, 'source');
  const owner = readPoolOwner(source);
  const common = { name, ...(uuid === undefined ? {} : { uuid }), ...(owner === undefined ? {} : { owner }) };
  const type = attr(root, 'type');
  if (type === 'dir') {
    const path = childText(firstChild(root, 'target') ?? el('target'), 'path');
    if (path === undefined) throw new LibvirtXmlParseError(`Pool ${name} has no <target><path>`);
    return { ...common, type, path };
  }
  if (type === 'iscsi-direct') {
    const host = source ? firstChild(source, 'host') : undefined;
    const auth = source ? firstChild(source, 'auth') : undefined;
    const username = attr(auth, 'username');
    const secretUsage = attr(auth ? firstChild(auth, 'secret') : undefined, 'usage');
    return {
      ...common,
      type,
      host: attr(host, 'name') ?? '',
      port: Number(attr(host, 'port') ?? 3260),
      targetIqn: attr(source ? firstChild(source, 'device') : undefined, 'path') ?? '',
      initiatorIqn: attr(source ? descend(source, 'initiator', 'iqn') : undefined, 'name') ?? '',
      ...(username === undefined || secretUsage === undefined ? {} : { auth: { username, secretUsage } }),
    };
  }
  throw new LibvirtXmlParseError(`Pool ${name}: type "${type ?? ''}" is not one virtplane models (dir, iscsi-direct)`);
}

export function parsePoolXml(xml: string): ParsedPool {
  const tree = parseDocument(xml, 'pool');
  return {
    model: poolFromTree(tree),
    sizes: { capacityBytes: sizeOf(tree, 'capacity'), allocationBytes: sizeOf(tree, 'allocation'), availableBytes: sizeOf(tree, 'available') },
    tree,
  };
}

/** Writes `model` onto a copy of `base` (a pool's current XML tree) and returns the copy. */
export function applyPoolModel(base: XmlElement, model: PoolModel): XmlElement {
  validatePool(model);
  const root = cloneElement(base);
  const existingType = attr(root, 'type');
  if (existingType !== undefined && existingType !== model.type) {
    throw new LibvirtModelError('type', `pool ${model.name} is a ${existingType} pool; its type cannot change to ${model.type}`);
  }
  const existingUuid = childText(root, 'uuid');
  if (model.uuid !== undefined && existingUuid !== undefined && existingUuid.toLowerCase() !== model.uuid.toLowerCase()) {
    throw new LibvirtModelError('uuid', `cannot give pool ${existingUuid} the UUID ${model.uuid}: a UUID never changes`);
  }
  root.attributes.type = model.type;
  setChildText(root, 'name', model.name);
  if (model.uuid !== undefined) setChildText(root, 'uuid', model.uuid);
  const source = ensureChild(root, 'source');
  if (model.type === 'dir') {
    setChildText(ensureChild(root, 'target'), 'path', model.path);
  } else {
    replaceOrAppend(source, firstChild(source, 'host'), el('host', { name: model.host, port: model.port }));
    replaceOrAppend(source, firstChild(source, 'device'), el('device', { path: model.targetIqn }));
    replaceOrAppend(source, firstChild(source, 'initiator'), el('initiator', {}, [el('iqn', { name: model.initiatorIqn })]));
    removeChildren(source, (child) => child.name === 'auth');
    if (model.auth) {
      source.elements.push(el('auth', { type: 'chap', username: model.auth.username }, [el('secret', { usage: model.auth.secretUsage })]));
    }
  }
  applyPoolOwner(source, model.owner);
  return root;
}

export function buildPoolXml(model: PoolModel): string {
  return serializeXml(applyPoolModel(el('pool', { type: model.type }), model));
}

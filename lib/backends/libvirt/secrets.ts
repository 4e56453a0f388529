/**
 * libvirt secrets for iSCSI CHAP: what a disk's or pool's `<auth><secret usage=.../>` refers to.
 * The password travels only on stdin (`secret-set-value --file /dev/stdin --plain`), never on a
 * command line, and the secret is private (libvirt never hands the value back).
 * Ownership: a secret's <description> holds the owner fields URL-encoded, prefixed "virtplane:".
 */
import { LibvirtModelError } from './errors.js';
import type { LibvirtHost } from './host.js';
import { encodePoolOwner, type OwnerMetadata } from './metadata.js';
import { isUuid } from './names.js';
import { listingLines, virsh } from './virsh.js';
import { el, serializeXml, textEl } from './xml.js';

interface IscsiSecretModel {
  /** The usage name `<auth><secret usage>` refers to. */
  readonly usage: string;
  readonly owner?: OwnerMetadata;
}

const USAGE = /^[A-Za-z0-9._:-]{1,128}$/;
const OWNER_PREFIX = 'virtplane:';

function checkUsage(usage: string): void {
  if (!USAGE.test(usage)) throw new LibvirtModelError('usage', `"${usage}" is not a secret usage name (1-128 of A-Z a-z 0-9 . _ : -)`);
}

/** The UUID of the iSCSI secret with this usage name, or null. */
export async function findIscsiSecret(host: LibvirtHost, usage: string): Promise<string | null> {
  checkUsage(usage);
  // Rows: " UUID   iscsi USAGE" (usage names are validated: no spaces).
  for (const row of listingLines(await virsh(host, ['secret-list']))) {
    const [uuid, type, name] = row.trim().split(/\s+/);
    if (uuid !== undefined && isUuid(uuid) && type === 'iscsi' && name === usage) return uuid;
  }
  return null;
}

/** Defines (or updates) the secret and sets its value; returns its UUID. */
export async function setIscsiSecret(host: LibvirtHost, model: IscsiSecretModel, password: string): Promise<string> {
  checkUsage(model.usage);
  if (password === '') throw new LibvirtModelError('password', 'must not be empty');
  const existing = await findIscsiSecret(host, model.usage);
  const xml = serializeXml(
    el('secret', { ephemeral: 'no', private: 'yes' }, [
      existing === null ? undefined : textEl('uuid', existing),
      model.owner === undefined ? undefined : textEl('description', `${OWNER_PREFIX}${encodePoolOwner(model.owner)}`),
      el('usage', { type: 'iscsi' }, [textEl('target', model.usage)]),
    ]),
  );
  await virsh(host, ['secret-define', '--file', '/dev/stdin'], { stdin: xml });
  const uuid = existing ?? (await findIscsiSecret(host, model.usage));
  if (uuid === null) throw new LibvirtModelError('usage', `secret ${model.usage} was defined but cannot be found`);
  await virsh(host, ['secret-set-value', '--secret', uuid, '--file', '/dev/stdin', '--plain'], { stdin: password });
  return uuid;
}

/** Removes the secret; returns false when there was none with this usage name. */
export async function deleteIscsiSecret(host: LibvirtHost, usage: string): Promise<boolean> {
  const uuid = await findIscsiSecret(host, usage);
  if (uuid === null) return false;
  await virsh(host, ['secret-undefine', '--secret', uuid]);
  return true;
}

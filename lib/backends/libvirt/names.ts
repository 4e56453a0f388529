/** Names and UUIDs as virsh reads them. */
import { LibvirtModelError } from './errors.js';
import { isXmlSafe } from './xml.js';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A name virsh cannot confuse with another way of naming a domain (virsh tries an argument as a
 * numeric ID, then as a UUID, then as a name) and that libvirt accepts (no '/', no control characters).
 */
export function validateObjectName(name: string, path = 'name'): void {
  if (name.trim() === '') throw new LibvirtModelError(path, 'must not be empty or blank');
  if (name.length > 200) throw new LibvirtModelError(path, 'is longer than 200 characters');
  if (name.includes('/')) throw new LibvirtModelError(path, "cannot contain '/' (libvirt refuses it)");
  if (/[\u0000-\u001f\u007f]/.test(name) || !isXmlSafe(name)) {
    throw new LibvirtModelError(path, 'cannot contain control characters');
  }
  if (/^\d+$/.test(name)) throw new LibvirtModelError(path, 'cannot be a number: virsh would read it as a domain ID');
  if (isUuid(name)) throw new LibvirtModelError(path, 'cannot look like a UUID: virsh would read it as one');
}

/**
 * A VM's identity, decided at plan time and decided again, identically, by the apply process (a new
 * process that gets no private data for a resource being created): the libvirt UUID is a name-based
 * UUID (RFC 4122 version 5) of the cluster and the VM's name, and a NIC's MAC is derived from the UUID.
 *
 * Determinism is also what lets an apply killed half-way be finished by the next one: the domain it
 * left behind has the UUID the next plan computes again, so it is found and adopted, never duplicated.
 */
import { createHash } from 'node:crypto';

/** The namespace of virtplane VM UUIDs (itself a random UUID, fixed forever). */
const VM_NAMESPACE = '5e0f6f1c-6a4b-4f57-9d42-0c1d8a3b7e21';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 4122 section 4.3: SHA-1 of namespace + name, version 5, variant 10. */
export function uuidV5(namespace: string, name: string): string {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/**
 * The UUID of VM `name` in `clusterId`. `attempt` > 0 gives the alternatives used when an earlier
 * candidate belongs to another VM (one that was renamed after it was created).
 */
export function vmUuidCandidate(clusterId: string, name: string, attempt: number): string {
  return uuidV5(VM_NAMESPACE, attempt === 0 ? `${clusterId}/${name}` : `${clusterId}/${name}#${attempt}`);
}

export const MAX_UUID_ATTEMPTS = 8;

/**
 * A MAC in QEMU's 52:54:00 range from the VM's UUID and a salt (the NIC's network and its occurrence),
 * so the same NIC of the same VM gets the same MAC in the plan process and in the apply process.
 */
export function derivedMac(vmId: string, salt: string): string {
  const digest = createHash('sha256').update(`${vmId}/${salt}`, 'utf8').digest();
  const tail = [...digest.subarray(0, 3)].map((byte) => byte.toString(16).padStart(2, '0'));
  return ['52', '54', '00', ...tail].join(':');
}

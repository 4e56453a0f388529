/**
 * A disk left by an interrupted apply of this workspace. A disk's id is where it lives (its volume's
 * file, or its LUN), decided at plan time: the next apply plans the same id. Its inventory row carries
 * the workspace token of the apply that made it, and is written before the volume's first byte, so
 * whatever a killed create left (a row alone, or a row and its volume) is recognized: adopted by the
 * same workspace, refused to any other. A file with no row is nobody's virtplane disk: never taken over.
 */
import type { StorageDomain } from '../../inventory/index.js';
import { DiagnosticError } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { leftoverVerdict, recordMadeByThisApply, refuseTaken } from '../shared/index.js';

const DISK_TYPE = 'virtplane_disk';

/**
 * Whether a create adopts what is at the disk's place: true when an interrupted apply of this workspace
 * left the disk's row there (with or without its volume); false when nothing is there. Throws the
 * refusal otherwise. `volume`: the file found there on `host`, if any (dir domains).
 */
export async function adoptsLeftoverDisk(
  provider: ProviderContext,
  domain: StorageDomain,
  disk: { readonly id: string; readonly name: string },
  volume?: { readonly file: string; readonly host: string },
): Promise<boolean> {
  const row = await provider.inventory.use((inventory) => inventory.disks.get(disk.id));
  const where = `in storage domain ${JSON.stringify(domain.name)}`;
  if (row === undefined) {
    if (volume === undefined) return false;
    throw new DiagnosticError(
      'Volume already exists',
      `Storage domain ${domain.name} already has a file ${volume.file} (on ${volume.host}) that is no virtplane disk (the inventory has no disk there); virtplane never overwrites it. Choose another name, or import that disk (terraform import ADDRESS ${JSON.stringify(disk.id)}).`,
      ['name'],
    );
  }
  if (row.name !== disk.name) {
    throw new DiagnosticError(
      'Disk place already taken',
      `${volume === undefined ? `This place (${disk.id})` : `The file ${volume.file}`} ${where} belongs to disk ${JSON.stringify(row.name)} (renamed after it was made). Choose another name.`,
      ['name'],
    );
  }
  const verdict = leftoverVerdict(provider, DISK_TYPE, disk.id, row.createdByWorkspace);
  if (verdict !== 'adopt') return refuseTaken(provider, { kind: 'disk', name: disk.name, id: disk.id, where }, verdict);
  return true;
}

/** Records that this apply made the disk: no other resource of the same apply adopts it. */
export function recordNewDisk(provider: ProviderContext, id: string): void {
  recordMadeByThisApply(provider, DISK_TYPE, id);
}

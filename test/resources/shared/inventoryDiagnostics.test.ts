/** The inventory's typed errors as diagnostics on the attribute to change; anything else is not theirs to word. */
import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../../lib/framework/index.js';
import { NotFoundError } from '../../../lib/inventory/errors.js';
import { inventoryDiagnostic, withInventoryDiagnostics } from '../../../lib/resources/shared/index.js';

describe('inventoryDiagnostic', () => {
  it('puts a missing referenced object on the attribute that names it', () => {
    const diagnostic = inventoryDiagnostic(new NotFoundError('cluster', 'c-1'), { cluster: ['cluster_id'] });
    expect(diagnostic).toBeInstanceOf(DiagnosticError);
    expect(diagnostic?.summary).toBe('Referenced object not found');
    expect(diagnostic?.path).toEqual(['cluster_id']);
    expect(diagnostic?.detail).toContain('c-1');
  });

  it('gives undefined for an error that is not the inventory’s, and withInventoryDiagnostics rethrows it unchanged', async () => {
    const foreign = new Error('socket closed');
    expect(inventoryDiagnostic(foreign)).toBeUndefined();
    await expect(
      withInventoryDiagnostics(async () => {
        throw foreign;
      }),
    ).rejects.toBe(foreign);
  });
});

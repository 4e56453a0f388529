import { AccessDeniedError, ConflictError, InUseError, InvalidValueError, NameTakenError, NotFoundError } from '../../inventory/errors.js';
import { DiagnosticError, type AttributePath } from '../../framework/index.js';

/**
 * Turns the inventory's typed errors into diagnostics on the attribute the user can change.
 * `references` maps a kind of object that was not found to the attribute naming it (cluster -> cluster_id).
 */
export function inventoryDiagnostic(error: unknown, references: Readonly<Record<string, AttributePath>> = {}): DiagnosticError | undefined {
  if (error instanceof NameTakenError) return new DiagnosticError('Name already taken', error.message, ['name'], { cause: error });
  if (error instanceof NotFoundError) {
    const path = references[error.kind];
    return new DiagnosticError(
      'Referenced object not found',
      `${error.message}. It may have been deleted outside this configuration; check the id, or create it first.`,
      path,
      { cause: error },
    );
  }
  if (error instanceof InUseError) return new DiagnosticError('Still in use', error.message, undefined, { cause: error });
  // The database refused the change (row-level security, migration 0006): the plan-time check passed,
  // so a role was revoked between plan and apply, or the object is outside what the plan could check.
  if (error instanceof AccessDeniedError || (error as { code?: unknown } | null)?.code === '42501') {
    return new DiagnosticError(
      'Permission denied',
      `The inventory refused the change: ${(error as Error).message}. Run terraform plan again: it names the permit that is missing.`,
      undefined,
      { cause: error },
    );
  }
  if (error instanceof InvalidValueError || error instanceof ConflictError)
    return new DiagnosticError('Invalid value', error.message, undefined, { cause: error });
  return undefined;
}

/** Runs an inventory step, rethrowing its typed errors as diagnostics. */
export async function withInventoryDiagnostics<T>(step: () => Promise<T>, references?: Readonly<Record<string, AttributePath>>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw inventoryDiagnostic(error, references) ?? error;
  }
}

/**
 * Plan-time refusals of an object that already exists under the name (or address) a new one wants:
 * said with the attribute and the two ways out (another name, or `terraform import` of the existing
 * one), as the VM says it for its name, instead of the inventory's unique-key violation at apply.
 */
import { errorDiagnostic, type AttributePath, type Diagnostic } from '../../framework/index.js';

interface Existing {
  /** "data center", "host". */
  readonly kind: string;
  readonly resourceType: string;
  /** What is taken, in words: `name "Default"`, `address 10.0.0.11:22`. */
  readonly what: string;
  /** Who holds it: `data center Default (ID)`. */
  readonly holder: string;
  readonly importId: string;
  readonly path: AttributePath;
}

export function alreadyTaken(existing: Existing): Diagnostic {
  return errorDiagnostic(
    `${existing.kind[0]!.toUpperCase()}${existing.kind.slice(1)} ${existing.path[0] === 'name' ? 'name' : String(existing.path[0])} already taken`,
    `The inventory already has ${existing.holder} with ${existing.what}. Choose another ${String(existing.path[0])}, or bring that ${existing.kind} under this configuration: terraform import ${existing.resourceType}.NAME ${existing.importId} (or an import block), after removing it from any other state that manages it.`,
    existing.path,
  );
}

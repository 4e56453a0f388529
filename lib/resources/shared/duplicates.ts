/**
 * Plan-time refusals of an object that already exists under the name (or address) a new one wants:
 * said with the attribute and the two ways out (another name, or `terraform import` of the existing
 * one), as the VM says it for its name, instead of the inventory's unique-key violation at apply.
 *
 * One that an apply of this same workspace made is not refused: it may be what an interrupted apply
 * left, which the create adopts (adoption.ts), and the provider cannot tell it from an object another
 * resource of this configuration manages (Terraform shows it no state but the resource's own). The plan
 * says so in a warning, with the way out for the second case.
 */
import { errorDiagnostic, warningDiagnostic, type AttributePath, type Diagnostic } from '../../framework/index.js';

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
  /** The holder's workspace mark is this workspace's token. */
  readonly madeByThisWorkspace: boolean;
}

export function alreadyTaken(existing: Existing): Diagnostic {
  const kind = `${existing.kind[0]!.toUpperCase()}${existing.kind.slice(1)}`;
  const attribute = String(existing.path[0]);
  if (existing.madeByThisWorkspace) {
    return warningDiagnostic(
      `${kind} taken over from an earlier apply`,
      `The inventory already has ${existing.holder} with ${existing.what}, made by an apply of this Terraform workspace, and it is not in this resource's state: the apply takes it over as what an interrupted apply left. If another resource of this configuration manages it, give this one another ${attribute} instead.`,
      existing.path,
    );
  }
  return errorDiagnostic(
    `${kind} ${existing.path[0] === 'name' ? 'name' : attribute} already taken`,
    `The inventory already has ${existing.holder} with ${existing.what}. Choose another ${String(existing.path[0])}, or bring that ${existing.kind} under this configuration: terraform import ${existing.resourceType}.NAME ${existing.importId} (or an import block), after removing it from any other state that manages it.`,
    existing.path,
  );
}

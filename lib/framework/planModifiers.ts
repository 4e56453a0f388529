import type { AttributePath } from './attributePath.js';
import type { Diagnostic } from './diagnostics.js';
import { valuesEqual, type TerraformType } from './terraformTypes.js';
import { isUnknown, type TerraformObject, type TerraformValue } from './values.js';

/** What a plan modifier sees about one attribute (in the style of terraform-plugin-framework). */
export interface PlanModifierRequest {
  readonly path: AttributePath;
  readonly type: TerraformType;
  /** The configured value (null when unset, possibly unknown). */
  readonly config: TerraformValue;
  /** The value in the prior state; null on create. */
  readonly prior: TerraformValue;
  /** The value planned so far (after defaults and earlier modifiers). */
  readonly planned: TerraformValue;
  /** No prior object exists for the enclosing resource or nested block element. */
  readonly creating: boolean;
  /** The object holding the attribute (the resource, or one nested block element). */
  readonly enclosing: {
    readonly config: TerraformObject;
    readonly prior: TerraformObject | null;
    readonly planned: TerraformObject;
  };
}

export interface PlanModifierResponse {
  readonly planned?: TerraformValue;
  readonly requiresReplace?: boolean;
  readonly diagnostics?: readonly Diagnostic[];
}

export interface PlanModifier {
  /** What it does, for docs. */
  readonly description: string;
  modify(request: PlanModifierRequest): PlanModifierResponse | undefined;
}

/**
 * For a computed attribute that does not change once set (an id): keep the prior value
 * instead of showing "(known after apply)" on every update.
 */
export function useStateForUnknown(): PlanModifier {
  return {
    description: 'Once set, the value does not change unless the resource is replaced.',
    modify({ planned, prior, config, creating }) {
      if (creating || !isUnknown(planned) || prior === null || isUnknown(config)) return undefined;
      return { planned: prior };
    },
  };
}

/** Any change of the value forces a replacement (what `forceNew: true` does). */
export function requiresReplace(): PlanModifier {
  return requiresReplaceIf(() => true, 'Changing the value forces a replacement.');
}

/** Forces a replacement when the value changes and the condition holds. */
export function requiresReplaceIf(condition: (request: PlanModifierRequest) => boolean, description: string): PlanModifier {
  return {
    description,
    modify(request) {
      if (request.creating) return undefined;
      if (valuesEqual(request.planned, request.prior, request.type)) return undefined;
      return condition(request) ? { requiresReplace: true } : undefined;
    },
  };
}

/**
 * The protocol messages as protocol.ts presents them (snake_case, enums by name,
 * bytes as Buffer, absent messages null). Only what virtplane reads or writes.
 */

export interface WireDynamicValue {
  readonly msgpack?: Buffer | Uint8Array;
  readonly json?: Buffer | Uint8Array;
}

interface WireAttributePathStep {
  readonly attribute_name?: string;
  readonly element_key_string?: string;
  readonly element_key_int?: number;
}

export interface WireAttributePath {
  readonly steps: readonly WireAttributePathStep[];
}

export interface WireDiagnostic {
  readonly severity: 'ERROR' | 'WARNING';
  readonly summary: string;
  readonly detail: string;
  readonly attribute?: WireAttributePath;
}

export interface WireSchemaAttribute {
  readonly name: string;
  readonly type: Buffer;
  readonly description: string;
  readonly description_kind: 'PLAIN' | 'MARKDOWN';
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly sensitive: boolean;
  readonly deprecated: boolean;
}

interface WireNestedBlock {
  readonly type_name: string;
  readonly block: WireSchemaBlock;
  readonly nesting: 'SINGLE' | 'LIST' | 'SET';
  readonly min_items: number;
  readonly max_items: number;
}

export interface WireSchemaBlock {
  readonly version: number;
  readonly attributes: readonly WireSchemaAttribute[];
  readonly block_types: readonly WireNestedBlock[];
  readonly description: string;
  readonly description_kind: 'PLAIN' | 'MARKDOWN';
  readonly deprecated: boolean;
}

export interface WireSchema {
  readonly version: number;
  readonly block: WireSchemaBlock;
}

interface WireRawState {
  readonly json?: Buffer;
  readonly flatmap?: { readonly [key: string]: string };
}

/** Requests: every field may be absent/null when Terraform leaves it out. */
export interface WireRequest {
  readonly type_name?: string;
  readonly config?: WireDynamicValue | null;
  readonly prior_state?: WireDynamicValue | null;
  readonly proposed_new_state?: WireDynamicValue | null;
  readonly planned_state?: WireDynamicValue | null;
  readonly current_state?: WireDynamicValue | null;
  readonly prior_private?: Buffer;
  readonly planned_private?: Buffer;
  readonly private?: Buffer;
  readonly terraform_version?: string;
  readonly version?: number;
  readonly raw_state?: WireRawState | null;
  readonly id?: string;
}

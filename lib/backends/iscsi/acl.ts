/**
 * Initiator rules as tgtd holds them. tgt 1.0.85 admits an initiator when its address matches an
 * address rule OR its name matches a name rule; with no address rule at all nobody gets in by
 * address, and tgt-admin adds "ALL" to every target whose configuration lists no address.
 */
import { ALL_ADDRESSES, NO_ADDRESS_PLACEHOLDER } from './layout.js';
import type { InitiatorRule } from './spec.js';
import { isAddressAclEntry } from './tgtShow.js';

export interface TgtAcl {
  /** What is bound with `-I`: addresses, "ALL", or virtplane's placeholder. */
  readonly addresses: readonly string[];
  /** What is bound with `-Q`. */
  readonly names: readonly string[];
}

export function aclOfRules(rules: readonly InitiatorRule[]): TgtAcl {
  const names = rules.flatMap((rule) => (rule.kind === 'name' ? [rule.name] : []));
  const addresses = rules.flatMap((rule) => (rule.kind === 'address' ? [rule.address] : []));
  if (rules.length === 0) return { addresses: [ALL_ADDRESSES], names: [] };
  if (addresses.length === 0) return { addresses: [NO_ADDRESS_PLACEHOLDER], names };
  return { addresses, names };
}

/** The rules a tgtd ACL list means; the inverse of aclOfRules. */
export function rulesOfAcl(entries: readonly string[]): InitiatorRule[] {
  return entries.flatMap((entry): InitiatorRule[] => {
    if (entry === ALL_ADDRESSES || entry === NO_ADDRESS_PLACEHOLDER) return [];
    return isAddressAclEntry(entry) ? [{ kind: 'address', address: entry }] : [{ kind: 'name', name: entry }];
  });
}

export function aclOfEntries(entries: readonly string[]): TgtAcl {
  return {
    addresses: entries.filter((entry) => isAddressAclEntry(entry)),
    names: entries.filter((entry) => !isAddressAclEntry(entry)),
  };
}

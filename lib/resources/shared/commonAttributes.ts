import { stringAttribute, useStateForUnknown } from '../../framework/index.js';

/**
 * Names end up in libvirt object names, tgt target names, file names and shell argv: letters, digits,
 * ".", "_" and "-", starting with a letter or digit. Stricter than any of them needs, so one rule
 * serves all.
 */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';
export const NAME_HINT = 'Use 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit.';

export function nameAttribute(description: string) {
  return stringAttribute({ description, required: true, validation: { pattern: NAME_PATTERN, hint: NAME_HINT } });
}

export function idAttribute(description: string) {
  return stringAttribute({ description, computed: true, planModifiers: [useStateForUnknown()] });
}

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** A reference to another virtplane object by its id. */
export function referenceAttribute(description: string, options: { readonly forceNew?: boolean } = {}) {
  return stringAttribute({
    description,
    required: true,
    forceNew: options.forceNew,
    validation: { pattern: UUID_PATTERN, hint: 'The id of a virtplane object, e.g. virtplane_datacenter.main.id.' },
  });
}

export function descriptionAttribute(what: string) {
  return stringAttribute({ description: `Free text about the ${what}.`, optional: true, default: '', validation: { maxLength: 4096 } });
}

/** A pinned SSH host key (as in known_hosts, without the host name) or its SHA256 fingerprint. */
export const HOST_KEY_PATTERN = '^((ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}|SHA256:[A-Za-z0-9+/]{43}=?)$';

/** libvirt takes a name made only of digits for an id: networks and pools need at least one other character. */
export const LIBVIRT_NAME_HINT = `${NAME_HINT} It cannot be only digits.`;

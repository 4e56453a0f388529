/**
 * Typed failures of the libvirt backend that are about XML and models (nothing ran on a host).
 * Failures of virsh on a host are in virshErrors.ts.
 */

/** The text is not well-formed XML, or not the document we expected (e.g. no <domain> root). */
export class LibvirtXmlParseError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LibvirtXmlParseError';
  }
}

/** A value cannot be written as XML 1.0 (a control character, a lone surrogate, `--` in a comment). */
export class LibvirtXmlSerializeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibvirtXmlSerializeError';
  }
}

/**
 * A model libvirt would reject, or that virtplane refuses to send (e.g. a domain name that virsh would
 * read as a numeric ID). `path` names the field, e.g. "disks[1].target.dev".
 */
export class LibvirtModelError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'LibvirtModelError';
    this.path = path;
  }
}

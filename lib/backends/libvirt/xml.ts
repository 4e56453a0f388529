/**
 * The only place XML text is read or written: xml-js's non-compact form, which keeps element order,
 * comments and every element we do not model, so an update can re-read live XML, change the modelled
 * parts in the tree and write the rest back untouched.
 *
 * xml-js 1.6 escapes too little on output to be trusted with arbitrary strings:
 * - attribute values: it only turns `"` into `&quot;`; `&`, `<` and `>` go out raw (not well-formed),
 *   and a literal newline or tab would be folded into a space by the reading parser;
 * - text: it first "desanitizes" `&amp;` back to `&`, so the literal text `&amp;` would come back as `&`.
 * `serializeXml` compensates for both before handing the tree to xml-js, so every string round-trips
 * byte for byte and can never change the document's structure.
 */
import { createRequire } from 'node:module';
import type * as XmlJs from 'xml-js';
import { LibvirtXmlParseError, LibvirtXmlSerializeError } from './errors.js';

type XmlJsNode = XmlJs.Element;

let xmlJs: typeof XmlJs | undefined;

/**
 * Loaded on first use: sax (under xml-js) builds its tables when loaded, several milliseconds of every
 * provider start, and most provider processes (schema, validation) never read or write a host's XML.
 */
function xmlLibrary(): typeof XmlJs {
  xmlJs ??= createRequire(import.meta.url)('xml-js') as typeof XmlJs;
  return xmlJs;
}

export interface XmlElement {
  readonly type: 'element';
  readonly name: string;
  attributes: Record<string, string>;
  elements: XmlNode[];
}

interface XmlText {
  readonly type: 'text';
  text: string;
}

interface XmlComment {
  readonly type: 'comment';
  comment: string;
}

type XmlNode = XmlElement | XmlText | XmlComment;

/** Characters XML 1.0 cannot carry at all, not even as a character reference. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** ASCII names only: every libvirt element and attribute name is one, and it keeps names inert. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?$/;

// ---------------------------------------------------------------------------------------------
// Parsing

/** Parses a document with exactly one root element. Comments are kept; the DOCTYPE and processing
 * instructions are dropped (libvirt writes neither); CDATA becomes plain text. */
export function parseXml(text: string): XmlElement {
  let document: XmlJsNode;
  try {
    // sax in strict mode knows only the five predefined entities: no DTD entity is ever expanded.
    document = xmlLibrary().xml2js(text, {
      compact: false,
      captureSpacesBetweenElements: true,
      ignoreDeclaration: true,
      ignoreInstruction: true,
      ignoreDoctype: true,
    }) as XmlJsNode;
  } catch (error) {
    throw new LibvirtXmlParseError(`Not well-formed XML: ${firstLine((error as Error).message)}`, { cause: error });
  }
  const roots = (document.elements ?? []).filter((node) => node.type === 'element');
  if (roots.length !== 1) {
    throw new LibvirtXmlParseError(`Expected one root element, found ${roots.length}`);
  }
  const stray = (document.elements ?? []).find((node) => node.type === 'text' && String(node.text ?? '').trim() !== '');
  if (stray) throw new LibvirtXmlParseError('Text outside the root element');
  return fromXmlJs(roots[0] as XmlJsNode);
}

/** Parses and checks the root element's name, e.g. `parseDocument(xml, 'domain')`. */
export function parseDocument(text: string, rootName: string): XmlElement {
  const root = parseXml(text);
  if (root.name !== rootName) {
    throw new LibvirtXmlParseError(`Expected a <${rootName}> document, found <${root.name}>`);
  }
  return root;
}

function fromXmlJs(node: XmlJsNode): XmlElement {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(node.attributes ?? {})) {
    if (value !== undefined) attributes[key] = String(value);
  }
  const children: XmlNode[] = [];
  for (const child of node.elements ?? []) {
    switch (child.type) {
      case 'element':
        children.push(fromXmlJs(child));
        break;
      case 'text':
      case 'cdata': {
        const text = child.type === 'text' ? String(child.text ?? '') : String(child.cdata ?? '');
        const previous = children[children.length - 1];
        if (previous?.type === 'text') previous.text += text;
        else children.push({ type: 'text', text });
        break;
      }
      case 'comment':
        children.push({ type: 'comment', comment: String(child.comment ?? '') });
        break;
      default:
        break;
    }
  }
  // Indentation between child elements is layout, not data; text of a leaf element is data, kept whole.
  const hasElementChild = children.some((child) => child.type === 'element');
  const elements = hasElementChild ? children.filter((child) => child.type !== 'text' || child.text.trim() !== '') : children;
  return { type: 'element', name: String(node.name), attributes, elements };
}

// ---------------------------------------------------------------------------------------------
// Serializing

interface SerializeOptions {
  /** Indentation; default 2. 0 writes everything on one line. */
  readonly spaces?: number;
}

export function serializeXml(root: XmlElement, options: SerializeOptions = {}): string {
  const prepared = { elements: [toXmlJs(root, root.name)] };
  return xmlLibrary().js2xml(prepared, {
    compact: false,
    spaces: options.spaces ?? 2,
    // A literal CR would be turned into LF by any conforming reader; keep it as a reference.
    textFn: (text: string) => text.replace(/\r/g, '&#13;'),
  });
}

function toXmlJs(element: XmlElement, path: string): XmlJsNode {
  checkName(element.name, path);
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(element.attributes)) {
    checkName(key, `${path}@${key}`);
    checkChars(value, `${path}@${key}`);
    attributes[key] = escapeAttributeValue(value);
  }
  const elements: XmlJsNode[] = [];
  // As when parsing: next to child elements, whitespace-only text is layout (it would also upset indentation).
  const hasElementChild = element.elements.some((child) => child.type === 'element');
  for (const child of element.elements) {
    if (hasElementChild && child.type === 'text' && child.text.trim() === '') continue;
    if (child.type === 'element') {
      elements.push(toXmlJs(child, `${path}/${child.name}`));
    } else if (child.type === 'text') {
      checkChars(child.text, `${path}/text()`);
      // Undoes xml-js's `&amp;` -> `&` step exactly: after this every `&amp;` in the string is one we made.
      elements.push({ type: 'text', text: child.text.replace(/&/g, '&amp;') });
    } else {
      checkChars(child.comment, `${path}/comment()`);
      if (child.comment.includes('--') || child.comment.endsWith('-')) {
        throw new LibvirtXmlSerializeError(`${path}: a comment cannot contain "--" or end with "-"`);
      }
      elements.push({ type: 'comment', comment: child.comment });
    }
  }
  const node: XmlJsNode = { type: 'element', name: element.name };
  if (Object.keys(attributes).length > 0) node.attributes = attributes;
  if (elements.length > 0) node.elements = elements;
  return node;
}

/** Everything except `"`, which xml-js itself turns into `&quot;`. */
function escapeAttributeValue(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function checkChars(value: string, path: string): void {
  const bad = NOT_XML_CHAR.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    throw new LibvirtXmlSerializeError(`${path}: character U+${code.toString(16).toUpperCase().padStart(4, '0')} cannot be written in XML 1.0`);
  }
}

function checkName(name: string, path: string): void {
  if (!XML_NAME.test(name)) throw new LibvirtXmlSerializeError(`${path}: "${name}" is not a valid XML name`);
}

/** True when `value` can be carried by XML 1.0 (models check this before anything is built). */
export function isXmlSafe(value: string): boolean {
  return !NOT_XML_CHAR.test(value);
}

// ---------------------------------------------------------------------------------------------
// Building and reading trees

type AttributeInput = Readonly<Record<string, string | number | boolean | undefined>>;

/** A new element; undefined attributes are left out, numbers and booleans become strings. */
export function el(name: string, attributes: AttributeInput = {}, children: readonly (XmlNode | undefined)[] = []): XmlElement {
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) attrs[key] = String(value);
  }
  return { type: 'element', name, attributes: attrs, elements: children.filter((child): child is XmlNode => child !== undefined) };
}

/** `<name attrs>text</name>` */
export function textEl(name: string, text: string, attributes: AttributeInput = {}): XmlElement {
  return el(name, attributes, [{ type: 'text', text }]);
}

export function childElements(parent: XmlElement, name?: string): XmlElement[] {
  return parent.elements.filter((node): node is XmlElement => node.type === 'element' && (name === undefined || node.name === name));
}

export function firstChild(parent: XmlElement, name: string): XmlElement | undefined {
  return childElements(parent, name)[0];
}

/** Follows a path of first children, e.g. `descend(domain, 'os', 'type')`. */
export function descend(parent: XmlElement, ...names: readonly string[]): XmlElement | undefined {
  let current: XmlElement | undefined = parent;
  for (const name of names) {
    if (current === undefined) return undefined;
    current = firstChild(current, name);
  }
  return current;
}

export function attr(element: XmlElement | undefined, name: string): string | undefined {
  return element?.attributes[name];
}

export function setAttr(element: XmlElement, name: string, value: string | number | boolean | undefined): void {
  if (value === undefined) delete element.attributes[name];
  else element.attributes[name] = String(value);
}

/** The element's own text (its text children joined); '' for an empty element. */
export function textOf(element: XmlElement | undefined): string {
  if (element === undefined) return '';
  return element.elements.map((node) => (node.type === 'text' ? node.text : '')).join('');
}

/** Text of the first child called `name`, or undefined when there is no such child. */
export function childText(parent: XmlElement, name: string): string | undefined {
  const child = firstChild(parent, name);
  return child === undefined ? undefined : textOf(child);
}

/** Makes `element` a leaf holding exactly `text`. */
export function setText(element: XmlElement, text: string): void {
  element.elements = text === '' ? [] : [{ type: 'text', text }];
}

/** The first child called `name`, appended when there is none. */
export function ensureChild(parent: XmlElement, name: string, attributes: AttributeInput = {}): XmlElement {
  const existing = firstChild(parent, name);
  if (existing) return existing;
  const created = el(name, attributes);
  parent.elements.push(created);
  return created;
}

/** Sets the text of the child `name` (creating it), or removes every such child when text is undefined. */
export function setChildText(parent: XmlElement, name: string, text: string | undefined): void {
  if (text === undefined) {
    removeChildren(parent, (child) => child.name === name);
    return;
  }
  const child = ensureChild(parent, name);
  setText(child, text);
  removeChildren(parent, (other) => other.name === name && other !== child);
}

export function removeChildren(parent: XmlElement, predicate: (child: XmlElement) => boolean): void {
  parent.elements = parent.elements.filter((node) => node.type !== 'element' || !predicate(node));
}

/** Replaces `old` in place (keeping its position), or appends when `old` is undefined. */
export function replaceOrAppend(parent: XmlElement, old: XmlElement | undefined, replacement: XmlElement): void {
  const index = old === undefined ? -1 : parent.elements.indexOf(old);
  if (index < 0) parent.elements.push(replacement);
  else parent.elements[index] = replacement;
}

export function cloneElement(element: XmlElement): XmlElement {
  return structuredClone(element);
}

// ---------------------------------------------------------------------------------------------
// Namespaces (xml-js does not resolve them: prefixes are just part of the name)

/** The namespace URI of `element`, resolved through its own declarations and its ancestors'. */
export function namespaceOf(element: XmlElement, ancestors: readonly XmlElement[] = []): string | undefined {
  const colon = element.name.indexOf(':');
  const key = colon < 0 ? 'xmlns' : `xmlns:${element.name.slice(0, colon)}`;
  for (const scope of [element, ...[...ancestors].reverse()]) {
    const uri = scope.attributes[key];
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/** The part of the name after the prefix. */
export function localName(element: XmlElement): string {
  const colon = element.name.indexOf(':');
  return colon < 0 ? element.name : element.name.slice(colon + 1);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

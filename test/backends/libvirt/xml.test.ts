import { describe, expect, it } from 'vitest';
import { LibvirtXmlParseError, LibvirtXmlSerializeError } from '../../../lib/backends/libvirt/errors.js';
import { childElements, el, firstChild, localName, namespaceOf, parseXml, serializeXml, textEl, textOf } from '../../../lib/backends/libvirt/xml.js';

const NASTY = [
  '<',
  '>',
  '&',
  '"',
  "'",
  ']]>',
  '&amp;',
  '&amp;amp;',
  '&lt;tag&gt;',
  '&#10;',
  '</name><evil/>',
  '"/><evil attr="',
  "'/><evil attr='",
  '<!-- comment -->',
  '<![CDATA[x]]>',
  '<?pi x?>',
  'line1\nline2',
  'cr\rlf\r\n',
  'tab\there',
  '  leading and trailing  ',
  'ünïcödé ✓ 𝄞 emoji 🚀',
];

describe('serializeXml / parseXml', () => {
  it.each(NASTY)('keeps text %j byte for byte and never adds structure', (value) => {
    const xml = serializeXml(el('root', {}, [textEl('name', value)]));
    const parsed = parseXml(xml);
    expect(childElements(parsed).map((child) => child.name)).toEqual(['name']);
    const name = firstChild(parsed, 'name');
    expect(name && childElements(name)).toEqual([]);
    expect(textOf(name)).toBe(value);
  });

  it.each(NASTY)('keeps attribute value %j byte for byte and never adds structure', (value) => {
    const xml = serializeXml(el('root', {}, [el('source', { file: value, other: 'x' })]));
    const parsed = parseXml(xml);
    expect(childElements(parsed).map((child) => child.name)).toEqual(['source']);
    expect(firstChild(parsed, 'source')?.attributes).toEqual({ file: value, other: 'x' });
  });

  it('keeps whitespace-only text of a leaf element, and drops layout between elements', () => {
    const parsed = parseXml('<root>\n  <a>   </a>\n  <b/>\n</root>');
    expect(parsed.elements.map((node) => node.type)).toEqual(['element', 'element']);
    expect(textOf(firstChild(parsed, 'a'))).toBe('   ');
    expect(textOf(firstChild(parseXml(serializeXml(parsed)), 'a'))).toBe('   ');
  });

  it('refuses characters XML 1.0 cannot carry instead of writing a broken document', () => {
    expect(() => serializeXml(textEl('name', 'bell\u0007'))).toThrow(LibvirtXmlSerializeError);
    expect(() => serializeXml(el('a', { v: 'nul\u0000' }))).toThrow(LibvirtXmlSerializeError);
    expect(() => serializeXml(textEl('name', 'lone \ud800 surrogate'))).toThrow(LibvirtXmlSerializeError);
    expect(() => serializeXml(el('bad name'))).toThrow(LibvirtXmlSerializeError);
    expect(() => serializeXml(el('a', { 'x"y': '1' }))).toThrow(LibvirtXmlSerializeError);
  });

  it('keeps comments and the order of unknown elements', () => {
    const source = '<domain><zeta a="1"/><!-- kept --><alpha><inner>t</inner></alpha><mid/></domain>';
    const again = parseXml(serializeXml(parseXml(source)));
    expect(again.elements.map((node) => (node.type === 'element' ? node.name : node.type))).toEqual(['zeta', 'comment', 'alpha', 'mid']);
    expect(again).toEqual(parseXml(source));
  });

  it('rejects documents that are not well-formed, or not one element', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(LibvirtXmlParseError);
    expect(() => parseXml('<a/><b/>')).toThrow(LibvirtXmlParseError);
    expect(() => parseXml('')).toThrow(LibvirtXmlParseError);
    expect(() => parseXml('<a>&unknown;</a>')).toThrow(LibvirtXmlParseError);
  });

  it('never expands entities declared in a DTD', () => {
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')).toThrow(LibvirtXmlParseError);
  });

  it('turns CDATA into plain text (which is then escaped, not re-emitted as CDATA)', () => {
    const parsed = parseXml('<a>x<![CDATA[<y>]]>z</a>');
    expect(textOf(parsed)).toBe('x<y>z');
    expect(serializeXml(parsed, { spaces: 0 })).toBe('<a>x&lt;y&gt;z</a>');
  });
});

describe('namespaces', () => {
  it('resolves a prefix declared on the element or an ancestor', () => {
    const root = parseXml('<domain xmlns:q="urn:q"><metadata><q:owner><q:x/></q:owner><p:y xmlns:p="urn:p"/></metadata></domain>');
    const metadata = firstChild(root, 'metadata');
    if (!metadata) throw new Error('no metadata');
    const [owner, other] = childElements(metadata);
    if (!owner || !other) throw new Error('missing children');
    expect(namespaceOf(owner, [root, metadata])).toBe('urn:q');
    expect(namespaceOf(other, [root, metadata])).toBe('urn:p');
    expect(namespaceOf(owner, [])).toBeUndefined();
    expect(localName(owner)).toBe('owner');
  });
});

import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../lib/framework/validation.js';
import { blockSchema, listAttribute, nestedBlock, numberAttribute, stringAttribute } from '../../lib/framework/schema.js';
import { unknown } from '../../lib/framework/values.js';

const schema = blockSchema({
  attributes: {
    name: stringAttribute({
      description: 'n',
      required: true,
      validation: { pattern: '^[a-z][a-z0-9-]*$', maxLength: 10, hint: 'Lowercase letters, digits and dashes.' },
    }),
    mode: stringAttribute({ description: 'm', optional: true, validation: { enum: ['nat', 'isolated', 'bridge'] } }),
    mtu: numberAttribute({ description: 'mtu', optional: true, validation: { integer: true, minimum: 68, maximum: 9000 } }),
    secret: stringAttribute({ description: 's', optional: true, sensitive: true, validation: { minLength: 8 } }),
    ports: listAttribute('number', { description: 'p', optional: true, validation: { items: { minimum: 1, maximum: 65535 }, maxItems: 3 } }),
    labels: { type: ['map', 'string'], description: 'l', optional: true, validation: { items: { pattern: '^[a-z]+$' } } },
    old: stringAttribute({ description: 'o', optional: true, deprecated: 'Use name instead.' }),
  },
  blocks: {
    disk: nestedBlock(
      { attributes: { size_mib: numberAttribute({ description: 's', required: true, validation: { minimum: 1 } }) } },
      { nesting: 'list', maxItems: 2 },
    ),
    boot: nestedBlock({ attributes: { order: numberAttribute({ description: 'o', optional: true, validation: { minimum: 0 } }) } }, { nesting: 'single' }),
  },
});

const base = { name: 'web', mode: null, mtu: null, secret: null, ports: null, labels: null, old: null, disk: [], boot: null };

describe('validation diagnostics', () => {
  it('accepts a valid configuration', () => {
    expect(
      validateConfig({ ...base, mode: 'nat', mtu: 1500, ports: [22, 80], labels: { env: 'prod' }, disk: [{ size_mib: 64 }], boot: { order: 1 } }, schema),
    ).toEqual([]);
  });

  it('reports a pattern failure with the attribute path, the value and the hint', () => {
    const [diagnostic, ...rest] = validateConfig({ ...base, name: 'Web_1' }, schema);
    expect(rest).toEqual([]);
    expect(diagnostic).toMatchObject({ severity: 'error', summary: 'Invalid value for name', path: ['name'] });
    expect(diagnostic!.detail).toContain('must match the regular expression ^[a-z][a-z0-9-]*$');
    expect(diagnostic!.detail).toContain('"Web_1"');
    expect(diagnostic!.detail).toContain('Lowercase letters, digits and dashes.');
  });

  it('reports every failing attribute at once', () => {
    const diagnostics = validateConfig({ ...base, mode: 'wifi', mtu: 10 }, schema);
    expect(diagnostics.map((d) => d.path)).toEqual([['mode'], ['mtu']]);
    expect(diagnostics[0]!.detail).toContain('must be one of "nat", "isolated", "bridge"');
    expect(diagnostics[1]!.detail).toContain('must be at least 68');
  });

  it('requires whole numbers where asked', () => {
    expect(validateConfig({ ...base, mtu: 1500.5 }, schema)[0]).toMatchObject({ path: ['mtu'] });
  });

  it('uses index steps inside nested blocks and lists, key steps inside maps', () => {
    const diagnostics = validateConfig(
      { ...base, disk: [{ size_mib: 5 }, { size_mib: 0 }], ports: [22, 70000], labels: { env: 'PROD' }, boot: { order: -1 } },
      schema,
    );
    expect(diagnostics.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        ['disk', 1, 'size_mib'],
        ['ports', 1],
        ['labels', { key: 'env' }],
        ['boot', 'order'],
      ]),
    );
    expect(diagnostics).toHaveLength(4);
    expect(diagnostics.find((d) => d.path?.[0] === 'disk')!.summary).toBe('Invalid value for disk[1].size_mib');
    expect(diagnostics.find((d) => d.path?.[0] === 'labels')!.summary).toBe('Invalid value for labels["env"]');
  });

  it('counts nested blocks and list elements', () => {
    const diagnostics = validateConfig({ ...base, disk: [{ size_mib: 1 }, { size_mib: 1 }, { size_mib: 1 }], ports: [1, 2, 3, 4] }, schema);
    expect(diagnostics.map((d) => d.path)).toEqual(expect.arrayContaining([['disk'], ['ports']]));
    expect(diagnostics.find((d) => d.path?.[0] === 'disk')!.detail).toContain('at most 2');
  });

  it('skips unknown values, wherever they are', () => {
    expect(validateConfig({ ...base, name: unknown, mtu: unknown, ports: [unknown, 22], disk: [{ size_mib: unknown }], labels: unknown }, schema)).toEqual([]);
  });

  it('never echoes a sensitive value', () => {
    const [diagnostic] = validateConfig({ ...base, secret: 'hunter2' }, schema);
    expect(diagnostic).toMatchObject({ path: ['secret'] });
    expect(diagnostic!.detail).not.toContain('hunter2');
  });

  it('warns about deprecated attributes that are set', () => {
    const diagnostics = validateConfig({ ...base, old: 'x' }, schema);
    expect(diagnostics).toEqual([{ severity: 'warning', summary: 'Deprecated attribute old', detail: 'Use name instead.', path: ['old'] }]);
  });
});

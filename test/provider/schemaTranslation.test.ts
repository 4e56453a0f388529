import { describe, expect, it } from 'vitest';
import { schemaToWire } from '../../lib/provider/schemaTranslation.js';
import { providerConfigSchema } from '../../lib/resources/index.js';
import {
  blockSchema,
  boolAttribute,
  checkBlockSchema,
  listAttribute,
  nestedBlock,
  numberAttribute,
  stringAttribute,
  type BlockSchema,
} from '../../lib/framework/schema.js';

const vmLike = blockSchema({
  description: 'A VM',
  attributes: {
    id: stringAttribute({ description: 'libvirt UUID', computed: true }),
    name: stringAttribute({ description: 'Name', required: true, forceNew: true }),
    vcpus: numberAttribute({ description: 'CPUs', optional: true, default: 1 }),
    running: boolAttribute({ description: 'Running', optional: true, computed: true }),
    password: stringAttribute({ description: 'Secret', optional: true, sensitive: true }),
    macs: listAttribute('string', { description: 'MACs', computed: true }),
    labels: { type: ['map', ['list', 'number']], description: 'Labels', optional: true, deprecated: 'use tags' },
  },
  blocks: {
    disk: nestedBlock({ attributes: { size_mib: numberAttribute({ description: 'Size', required: true }) } }, { nesting: 'list', minItems: 1, maxItems: 8 }),
    tag: nestedBlock({ attributes: { key: stringAttribute({ description: 'Key', required: true }) } }, { nesting: 'set' }),
    boot: nestedBlock({ attributes: { order: numberAttribute({ description: 'Order', optional: true }) } }, { nesting: 'single' }),
  },
});

describe('schema translation to tfplugin6.Schema', () => {
  const wire = schemaToWire(vmLike, 3, { defaultsAreComputed: true });
  const attribute = (name: string) => wire.block.attributes.find((a) => a.name === name)!;

  it('carries the version and the block description', () => {
    expect(wire.version).toBe(3);
    expect(wire.block.version).toBe(3);
    expect(wire.block.description).toBe('A VM');
  });

  it('writes each attribute type as Terraform JSON type bytes', () => {
    expect(JSON.parse(attribute('name').type.toString())).toBe('string');
    expect(JSON.parse(attribute('vcpus').type.toString())).toBe('number');
    expect(JSON.parse(attribute('running').type.toString())).toBe('bool');
    expect(JSON.parse(attribute('macs').type.toString())).toEqual(['list', 'string']);
    expect(JSON.parse(attribute('labels').type.toString())).toEqual(['map', ['list', 'number']]);
  });

  it('makes every attribute exactly one of required, optional, optional+computed, computed', () => {
    const flags = (name: string) => {
      const { required, optional, computed } = attribute(name);
      return { required, optional, computed };
    };
    expect(flags('name')).toEqual({ required: true, optional: false, computed: false });
    expect(flags('password')).toEqual({ required: false, optional: true, computed: false });
    expect(flags('running')).toEqual({ required: false, optional: true, computed: true });
    expect(flags('id')).toEqual({ required: false, optional: false, computed: true });
    // A default is planned by the provider, so Terraform must allow a value it did not configure.
    expect(flags('vcpus')).toEqual({ required: false, optional: true, computed: true });
  });

  it('marks sensitive and deprecated attributes', () => {
    expect(attribute('password').sensitive).toBe(true);
    expect(attribute('name').sensitive).toBe(false);
    expect(attribute('labels').deprecated).toBe(true);
  });

  it('translates nested blocks with their nesting mode and item limits', () => {
    const blocks = Object.fromEntries(wire.block.block_types.map((b) => [b.type_name, b]));
    expect(blocks.disk).toMatchObject({ nesting: 'LIST', min_items: 1, max_items: 8 });
    expect(blocks.tag).toMatchObject({ nesting: 'SET', min_items: 0, max_items: 0 });
    expect(blocks.boot).toMatchObject({ nesting: 'SINGLE', max_items: 1 });
    expect(blocks.disk!.block.attributes[0]).toMatchObject({ name: 'size_mib', required: true });
  });

  it('keeps provider defaults plain optional: the provider block is never planned', () => {
    const provider = schemaToWire(providerConfigSchema, 0, { defaultsAreComputed: false });
    const sshUser = provider.block.attributes.find((a) => a.name === 'ssh_user')!;
    expect(sshUser).toMatchObject({ optional: true, computed: false, required: false });
    expect(provider.block.attributes.find((a) => a.name === 'ssh_private_key')!.sensitive).toBe(true);
    expect(provider.block.attributes.map((a) => a.name).sort()).toEqual([
      'inventory',
      'known_hosts_file',
      'ssh_private_key',
      'ssh_private_key_file',
      'ssh_user',
    ]);
  });
});

describe('schema definition checks', () => {
  const attempt = (block: BlockSchema) => () => checkBlockSchema(block, 'test');

  it('rejects contradictory flags', () => {
    expect(attempt({ attributes: { a: { type: 'string', description: '', required: true, computed: true } } })).toThrow(/required excludes/);
    expect(attempt({ attributes: { a: { type: 'string', description: '' } } })).toThrow(/set one of/);
    expect(attempt({ attributes: { a: { type: 'string', description: '', computed: true, default: 'x' } } })).toThrow(/computed-only/);
    expect(attempt({ attributes: { a: { type: 'string', description: '', computed: true, forceNew: true } } })).toThrow(/forceNew/);
  });

  it('rejects names Terraform does not accept and clashes', () => {
    expect(attempt({ attributes: { Name: { type: 'string', description: '', optional: true } } })).toThrow(/lowercase/);
    expect(
      attempt({
        attributes: { disk: { type: 'string', description: '', optional: true } },
        blocks: { disk: { nesting: 'list', block: { attributes: {} } } },
      }),
    ).toThrow(/share this name/);
  });

  it('accepts the fixture and provider schemas', () => {
    expect(attempt(vmLike)).not.toThrow();
    expect(attempt(providerConfigSchema)).not.toThrow();
  });
});

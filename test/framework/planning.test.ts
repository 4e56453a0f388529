import { describe, expect, it } from 'vitest';
import { useStateForUnknown } from '../../lib/framework/planModifiers.js';
import { unknownWhen } from '../provider/fixtures/testFileResource.js';
import { planDefaults } from '../../lib/framework/planning.js';
import { blockSchema, nestedBlock, numberAttribute, stringAttribute } from '../../lib/framework/schema.js';
import { isUnknown, unknown, type TerraformObject } from '../../lib/framework/values.js';

const schema = blockSchema({
  attributes: {
    id: stringAttribute({ description: 'id', computed: true, planModifiers: [useStateForUnknown()] }),
    name: stringAttribute({ description: 'name', required: true }),
    cluster: stringAttribute({ description: 'cluster', required: true, forceNew: true }),
    host: stringAttribute({ description: 'host', optional: true, computed: true }),
    state: stringAttribute({ description: 'state', computed: true }),
    vcpus: numberAttribute({ description: 'vcpus', optional: true, default: 1 }),
  },
  blocks: {
    disk: nestedBlock(
      {
        attributes: {
          size: numberAttribute({ description: 'size', required: true }),
          path: stringAttribute({ description: 'path', computed: true }),
          checksum: stringAttribute({
            description: 'checksum',
            computed: true,
            planModifiers: [unknownWhen(({ enclosing }) => enclosing.prior !== null && enclosing.prior.size !== enclosing.planned.size, 'size changed')],
          }),
        },
      },
      { nesting: 'list' },
    ),
    tag: nestedBlock(
      { attributes: { key: stringAttribute({ description: 'k', required: true }), uid: stringAttribute({ description: 'u', computed: true }) } },
      { nesting: 'set', forceNew: true },
    ),
  },
});

const config = (overrides: Partial<Record<string, unknown>> = {}): TerraformObject =>
  ({ id: null, name: 'vm', cluster: 'c1', host: null, state: null, vcpus: null, disk: [], tag: [], ...overrides }) as TerraformObject;

describe('the default plan', () => {
  it('on create: computed attributes unknown, defaults filled, nothing to replace', () => {
    const proposed = config({ disk: [{ size: 1, path: null, checksum: null }] });
    const { planned, requiresReplace } = planDefaults({
      block: schema,
      prior: null,
      proposed,
      config: config({ disk: [{ size: 1, path: null, checksum: null }] }),
    });
    expect(isUnknown(planned.id)).toBe(true);
    expect(isUnknown(planned.state)).toBe(true);
    expect(isUnknown(planned.host)).toBe(true);
    expect(planned.vcpus).toBe(1);
    expect(isUnknown((planned.disk as TerraformObject[])[0]!.path)).toBe(true);
    expect(planned.name).toBe('vm');
    expect(requiresReplace).toEqual([]);
  });

  const prior = config({
    id: 'u-1',
    host: 'kvm1',
    state: 'running',
    vcpus: 1,
    disk: [{ size: 1, path: '/d0', checksum: 'c0' }],
    tag: [{ key: 'a', uid: 'x' }],
  });

  it('on update: computed attributes keep their prior value', () => {
    // Terraform's proposed new state already carries prior computed values.
    const proposed = { ...prior, name: 'vm2' };
    const { planned, requiresReplace } = planDefaults({
      block: schema,
      prior,
      proposed,
      config: config({ name: 'vm2', tag: [{ key: 'a', uid: null }], disk: [{ size: 1, path: null, checksum: null }] }),
    });
    expect(planned).toMatchObject({ id: 'u-1', state: 'running', host: 'kvm1', vcpus: 1, name: 'vm2' });
    expect(planned.disk).toEqual([{ size: 1, path: '/d0', checksum: 'c0' }]);
    expect(requiresReplace).toEqual([]);
  });

  it('a new nested block element gets unknown computed attributes; existing ones keep theirs', () => {
    const proposed = {
      ...prior,
      disk: [
        { size: 1, path: '/d0', checksum: 'c0' },
        { size: 2, path: null, checksum: null },
      ],
    };
    const { planned } = planDefaults({
      block: schema,
      prior,
      proposed,
      config: config({
        disk: [
          { size: 1, path: null, checksum: null },
          { size: 2, path: null, checksum: null },
        ],
        tag: [{ key: 'a', uid: null }],
      }),
    });
    const disks = planned.disk as TerraformObject[];
    expect(disks[0]).toEqual({ size: 1, path: '/d0', checksum: 'c0' });
    expect(isUnknown(disks[1]!.path)).toBe(true);
  });

  it('runs attribute plan modifiers (unknownWhen) inside nested blocks', () => {
    const proposed = { ...prior, disk: [{ size: 5, path: '/d0', checksum: 'c0' }] };
    const { planned } = planDefaults({
      block: schema,
      prior,
      proposed,
      config: config({ disk: [{ size: 5, path: null, checksum: null }], tag: [{ key: 'a', uid: null }] }),
    });
    const disk = (planned.disk as TerraformObject[])[0]!;
    expect(disk.path).toBe('/d0');
    expect(isUnknown(disk.checksum)).toBe(true);
  });

  it('a changed forceNew attribute requires replacement', () => {
    const { requiresReplace } = planDefaults({
      block: schema,
      prior,
      proposed: { ...prior, cluster: 'c2' },
      config: config({ cluster: 'c2', tag: [{ key: 'a', uid: null }] }),
    });
    expect(requiresReplace).toEqual([['cluster']]);
  });

  it('an unknown value for a forceNew attribute requires replacement (it may change)', () => {
    const { requiresReplace } = planDefaults({
      block: schema,
      prior,
      proposed: { ...prior, cluster: unknown },
      config: config({ cluster: unknown, tag: [{ key: 'a', uid: null }] }),
    });
    expect(requiresReplace).toEqual([['cluster']]);
  });

  it('a changed forceNew set block requires replacement; set elements correlate by value', () => {
    const same = planDefaults({ block: schema, prior, proposed: prior, config: config({ tag: [{ key: 'a', uid: null }] }) });
    expect(same.requiresReplace).toEqual([]);
    expect(same.planned.tag).toEqual([{ key: 'a', uid: 'x' }]);
    const changed = planDefaults({
      block: schema,
      prior,
      proposed: { ...prior, tag: [{ key: 'b', uid: null }] },
      config: config({ tag: [{ key: 'b', uid: null }] }),
    });
    expect(changed.requiresReplace).toEqual([['tag']]);
    expect(isUnknown((changed.planned.tag as TerraformObject[])[0]!.uid)).toBe(true);
  });

  it('useStateForUnknown keeps an id a resource hook would otherwise lose', () => {
    const { planned } = planDefaults({ block: schema, prior, proposed: { ...prior, id: unknown }, config: config({ tag: [{ key: 'a', uid: null }] }) });
    expect(planned.id).toBe('u-1');
  });

  it('an unset attribute with a default goes back to the default (drift is planned)', () => {
    const drifted = { ...prior, vcpus: 4 };
    const { planned } = planDefaults({ block: schema, prior: drifted, proposed: drifted, config: config({ tag: [{ key: 'a', uid: null }] }) });
    expect(planned.vcpus).toBe(1);
  });
});

describe('private data', () => {
  it('round-trips JSON entries and tolerates bytes another provider wrote', async () => {
    const { PrivateData } = await import('../../lib/framework/privateData.js');
    const data = new PrivateData();
    expect(data.toBytes().length).toBe(0);
    data.set('placement', { host: 'kvm1', reason: 'evenly_distributed' });
    const back = PrivateData.fromBytes(data.toBytes());
    expect(back.get('placement')).toEqual({ host: 'kvm1', reason: 'evenly_distributed' });
    expect(PrivateData.fromBytes(Buffer.from([0xff, 0x00, 0x13])).size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { LabOptionsError, planLab } from '../../lib/lab/labPlan.js';

describe('planLab', () => {
  it('names and addresses the default lab', () => {
    const plan = planLab();
    expect(plan.bridge).toBe('vp-br');
    expect(plan.bridgeAddress).toBe('10.77.0.1');
    expect(plan.machines.map((machine) => [machine.name, machine.address, machine.namespace, machine.hostLink])).toEqual([
      ['kvm1', '10.77.0.11', 'vp-kvm1', 'vph-kvm1'],
      ['kvm2', '10.77.0.12', 'vp-kvm2', 'vph-kvm2'],
      ['storage', '10.77.0.2', 'vp-storage', 'vph-storage'],
    ]);
  });

  it('follows --hosts and --subnet', () => {
    const plan = planLab({ hosts: 3, subnet: '192.168.50.0/24' });
    expect(plan.machines.map((machine) => machine.address)).toEqual(['192.168.50.11', '192.168.50.12', '192.168.50.13', '192.168.50.2']);
  });

  it.each([
    [{ hosts: 0 }, /--hosts must be a whole number from 1 to 16/],
    [{ hosts: 2.5 }, /--hosts/],
    [{ subnet: '10.77.0.0' }, /IPv4 CIDR/],
    [{ subnet: '10.77.0.300/24' }, /not an IPv4 address/],
    [{ subnet: '10.77.0.5/24' }, /host bits set; did you mean 10\.77\.0\.0\/24/],
    [{ subnet: '10.77.0.0/29' }, /from \/8 to \/28/],
    [{ subnet: '10.77.0.0/28', hosts: 5 }, /too small for 5 hosts/],
    [{ prefix: 'Bad-Prefix' }, /prefix must be/],
  ])('rejects %o', (options, message) => {
    expect(() => planLab(options)).toThrowError(LabOptionsError);
    expect(() => planLab(options)).toThrowError(message);
  });

  it('reports every problem at once', () => {
    expect(() => planLab({ hosts: 0, subnet: 'x', prefix: '' })).toThrowError(/--hosts[\s\S]*prefix[\s\S]*--subnet/);
  });

  it('keeps link names within the kernel limit of 15 bytes', () => {
    const plan = planLab({ prefix: 'abcde', hosts: 16 });
    for (const machine of plan.machines) expect(machine.hostLink.length).toBeLessThanOrEqual(15);
  });
});

/**
 * The statistics part of the bulk read, parsed from output captured on the lab (libvirt 9.0): domstats
 * summed over disks and NICs, vol-list's sizes in bytes, the host's counters, and a pool's sizes.
 */
import { describe, expect, it } from 'vitest';
import { parseDomainStats, parseHostCounters, parseVolumeList, poolSizes } from '../../../lib/backends/libvirt/statisticsRead.js';

describe('statistics read', () => {
  it('sums each domain’s disks and NICs from virsh domstats --raw', () => {
    const text = `Domain: 'web'
  state.state=1
  cpu.time=390000000
  balloon.current=32768
  balloon.rss=39932
  vcpu.current=2
  net.count=2
  net.0.rx.bytes=100
  net.0.tx.bytes=10
  net.1.rx.bytes=5
  net.1.tx.bytes=1
  block.count=2
  block.0.rd.reqs=3
  block.0.rd.bytes=4096
  block.0.wr.reqs=1
  block.0.wr.bytes=512
  block.1.rd.reqs=1
  block.1.rd.bytes=1024

Domain: 'idle'
  cpu.time=5
  net.count=0
  block.count=0
`;
    expect(parseDomainStats(text)).toEqual([
      {
        name: 'web',
        cpuTimeNs: 390000000,
        vcpus: 2,
        balloonMiB: 32,
        residentMiB: 38,
        diskReadBytes: 5120,
        diskWriteBytes: 512,
        diskReadRequests: 4,
        diskWriteRequests: 1,
        netRxBytes: 105,
        netTxBytes: 11,
      },
      {
        name: 'idle',
        cpuTimeNs: 5,
        vcpus: 0,
        balloonMiB: 0,
        residentMiB: 0,
        diskReadBytes: 0,
        diskWriteBytes: 0,
        diskReadRequests: 0,
        diskWriteRequests: 0,
        netRxBytes: 0,
        netTxBytes: 0,
      },
    ]);
  });

  it('reads vol-list --details sizes and pool-info --bytes', () => {
    const list = ` Name      Path                    Type   Capacity    Allocation
------------------------------------------------------------------
 a.qcow2   /tmp/vpm-pool/a.qcow2   file   64.00 MiB   196.00 KiB
 unit:0:0:1   ip-10.92.0.2:3260-iscsi-iqn.x-lun-1   network   1.00 GiB   1.00 GiB
`;
    expect(parseVolumeList(list)).toEqual([
      { name: 'a.qcow2', capacityBytes: 64 * 2 ** 20, allocationBytes: 196 * 1024 },
      { name: 'unit:0:0:1', capacityBytes: 2 ** 30, allocationBytes: 2 ** 30 },
    ]);
    expect(
      poolSizes('Name:           p\nState:          running\nCapacity:       270553174016\nAllocation:     32179232768\nAvailable:      238373941248\n'),
    ).toEqual({
      capacityBytes: 270553174016,
      allocationBytes: 32179232768,
      availableBytes: 238373941248,
    });
    expect(poolSizes('Name: p\nState: inactive\n')).toBeUndefined();
  });

  it('reads the host counters, KSM only where the kernel has it', () => {
    const facts = new Map([
      ['memFreeKiB', '2048000'],
      ['cpuBusyTicks', '5800000'],
      ['cpuTotalTicks', '6800000'],
      ['load1', '1.25'],
    ]);
    expect(parseHostCounters(facts)).toEqual({ cpuBusyTicks: 5800000, cpuTotalTicks: 6800000, memoryFreeMiB: 2000, loadAverage: 1.25 });
    expect(parseHostCounters(new Map([...facts, ['ksmSharedPages', '12']]))?.ksmSharedPages).toBe(12);
    expect(parseHostCounters(new Map([['memFreeKiB', '1']]))).toBeUndefined();
  });
});

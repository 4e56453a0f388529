/**
 * `/metrics` in Prometheus's text exposition format (0.0.4), from the newest samples the collector
 * stored: names and units by Prometheus's conventions (bytes, seconds, ratios 0..1, `_total` for
 * counters), labelled with the names people know (host, cluster, datacenter, vm, storage_domain).
 */
import type { Overview } from './overview.js';

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly samples: Array<{ readonly labels: Labels; readonly value: number }>;
}

const MIB = 1024 * 1024;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function renderMetrics(overview: Overview): string {
  const families = new Map<string, Family>();
  const add = (name: string, type: Family['type'], help: string, labels: Labels, value: number | null | undefined): void => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    let family = families.get(name);
    if (family === undefined) {
      family = { name, help, type, samples: [] };
      families.set(name, family);
    }
    family.samples.push({ labels, value });
  };
  const clusters = new Map(overview.clusters.map((cluster) => [cluster.id, cluster]));
  const datacenters = new Map(overview.datacenters.map((datacenter) => [datacenter.id, datacenter]));
  const hosts = new Map(overview.hosts.map((host) => [host.id, host]));
  const hostLabels = (hostId: string): Labels => {
    const host = hosts.get(hostId);
    const cluster = host === undefined ? undefined : clusters.get(host.clusterId);
    return {
      host: host?.name ?? hostId,
      cluster: cluster?.name ?? '',
      datacenter: cluster === undefined ? '' : (datacenters.get(cluster.datacenterId)?.name ?? ''),
    };
  };

  for (const host of overview.hosts) {
    const labels = hostLabels(host.id);
    const status = overview.health.get(host.id)?.status ?? 'up';
    add('virtplane_host_up', 'gauge', 'Whether the engine judges the host up (1) or not (0: non-responsive, fenced).', labels, status === 'up' ? 1 : 0);
    add('virtplane_host_maintenance', 'gauge', 'Whether the host is in maintenance.', labels, host.maintenance ? 1 : 0);
    const sample = overview.hostSamples.get(host.id);
    if (sample === undefined) continue;
    add('virtplane_host_cpus', 'gauge', 'Logical CPUs of the host.', labels, sample.cpus);
    add(
      'virtplane_host_cpu_usage_ratio',
      'gauge',
      'Busy share of all the host CPUs since the previous sample (0..1).',
      labels,
      sample.cpuPercent === null ? null : Math.round(sample.cpuPercent * 1e4) / 1e6,
    );
    add('virtplane_host_memory_total_bytes', 'gauge', 'Memory of the host.', labels, sample.memoryTotalMib * MIB);
    add('virtplane_host_memory_used_bytes', 'gauge', 'Memory in use on the host (total less available).', labels, sample.memoryUsedMib * MIB);
    add(
      'virtplane_host_memory_free_bytes',
      'gauge',
      'Free memory of the host (MemFree).',
      labels,
      sample.memoryFreeMib === null ? null : sample.memoryFreeMib * MIB,
    );
    add('virtplane_host_ksm_shared_pages', 'gauge', 'Pages KSM shares on the host.', labels, sample.ksmSharedPages);
    add('virtplane_host_load1', 'gauge', 'One-minute load average of the host.', labels, sample.loadAverage);
    add('virtplane_host_vms', 'gauge', 'VMs running on the host.', labels, sample.vmCount);
    add('virtplane_host_vcpus_allocated', 'gauge', 'vCPUs of the VMs running on the host.', labels, sample.vcpusAllocated);
    add(
      'virtplane_host_memory_allocated_bytes',
      'gauge',
      'Memory of the VMs running on the host.',
      labels,
      sample.memoryAllocatedMib === null ? null : sample.memoryAllocatedMib * MIB,
    );
    add(
      'virtplane_host_sample_timestamp_seconds',
      'gauge',
      'When the newest sample of the host was taken (Unix time).',
      labels,
      sample.collectedAt.getTime() / 1000,
    );
  }

  for (const vm of overview.vmSamples) {
    const labels = { vm: vm.vmName ?? vm.vmId, vm_id: vm.vmId, ...(vm.hostId === null ? {} : hostLabels(vm.hostId)) };
    add('virtplane_vm_cpu_seconds_total', 'counter', 'CPU time the VM used since it started.', labels, vm.cpuTimeNs === null ? null : vm.cpuTimeNs / 1e9);
    add(
      'virtplane_vm_cpu_usage_ratio',
      'gauge',
      'CPU the VM used since the previous sample, in CPUs (1 = one CPU busy).',
      labels,
      vm.cpuPercent === null ? null : Math.round(vm.cpuPercent * 1e4) / 1e6,
    );
    add('virtplane_vm_vcpus', 'gauge', 'vCPUs of the VM.', labels, vm.vcpus);
    add('virtplane_vm_memory_balloon_bytes', 'gauge', 'Memory the VM has now (balloon).', labels, vm.memoryUsedMib * MIB);
    add(
      'virtplane_vm_memory_resident_bytes',
      'gauge',
      'Memory its QEMU process holds in RAM.',
      labels,
      vm.memoryResidentMib === null ? null : vm.memoryResidentMib * MIB,
    );
    add('virtplane_vm_disk_read_bytes_total', 'counter', 'Bytes read from the VM disks.', labels, vm.diskReadBytes);
    add('virtplane_vm_disk_written_bytes_total', 'counter', 'Bytes written to the VM disks.', labels, vm.diskWriteBytes);
    add('virtplane_vm_disk_read_requests_total', 'counter', 'Read requests of the VM disks.', labels, vm.diskReadRequests);
    add('virtplane_vm_disk_write_requests_total', 'counter', 'Write requests of the VM disks.', labels, vm.diskWriteRequests);
    add('virtplane_vm_network_receive_bytes_total', 'counter', 'Bytes the VM NICs received.', labels, vm.netRxBytes);
    add('virtplane_vm_network_transmit_bytes_total', 'counter', 'Bytes the VM NICs sent.', labels, vm.netTxBytes);
  }

  const domains = new Map(overview.storageDomains.map((domain) => [domain.id, domain]));
  const domainLabels = (id: string): Labels => {
    const domain = domains.get(id);
    return {
      storage_domain: domain?.name ?? id,
      datacenter: domain === undefined ? '' : (datacenters.get(domain.datacenterId)?.name ?? ''),
      type: domain?.type ?? '',
    };
  };
  for (const [id, sample] of overview.storageSamples) {
    const labels = domainLabels(id);
    add('virtplane_storage_domain_capacity_bytes', 'gauge', 'Capacity of the storage domain.', labels, sample.capacityBytes);
    add('virtplane_storage_domain_allocation_bytes', 'gauge', 'Space allocated in the storage domain.', labels, sample.allocationBytes);
    add('virtplane_storage_domain_available_bytes', 'gauge', 'Space still available in the storage domain.', labels, sample.availableBytes);
  }
  for (const lun of overview.lunSamples)
    add(
      'virtplane_lun_size_bytes',
      'gauge',
      'Size of a LUN of an iSCSI storage domain.',
      { ...domainLabels(lun.storageDomainId), lun: lun.lun },
      lun.sizeBytes,
    );

  const lines: string[] = [];
  for (const family of families.values()) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels)
        .map(([key, value]) => `${key}="${escapeLabel(value)}"`)
        .join(',');
      lines.push(`${family.name}${labels === '' ? '' : `{${labels}}`} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

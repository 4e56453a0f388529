/**
 * New hosts this provider process planned, per cluster. A VM planned in a cluster that has no host in
 * the inventory yet is no error when the same plan creates hosts there: that is a configuration that
 * declares the cluster's hosts and its VMs together, once the cluster itself already exists (an apply
 * killed after saving the cluster but before its hosts, or hosts and VMs added to a cluster later). The
 * VM's host is then known after apply, like that of a VM in a cluster the same apply creates.
 * Terraform plans a resource after those it depends on, so a VM with depends_on on its hosts is planned
 * after them, in the plan process and again in the apply process.
 */
const planned = new Map<string, Set<string>>();

/** Records a host (by name) that this process planned to create in the cluster. */
export function recordPlannedHost(clusterId: string, hostName: string): void {
  const names = planned.get(clusterId) ?? new Set<string>();
  planned.set(clusterId, names);
  names.add(hostName);
}

/** Whether this process planned a new host in the cluster. */
export function hostsPlannedIn(clusterId: string): boolean {
  return (planned.get(clusterId)?.size ?? 0) > 0;
}

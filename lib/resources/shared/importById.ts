import { UUID_PATTERN } from './commonAttributes.js';

interface Lookup<Row> {
  get(id: string): Promise<Row | undefined>;
  getByName(name: string): Promise<Row | undefined>;
}

/** `terraform import` takes an object's id or, for objects with globally unique names, its name. */
export async function findByIdOrName<Row>(repository: Lookup<Row>, idOrName: string): Promise<Row | undefined> {
  if (new RegExp(UUID_PATTERN).test(idOrName)) return repository.get(idOrName);
  return repository.getByName(idOrName);
}

interface DatacenterScopedLookup<Row> {
  get(id: string): Promise<Row | undefined>;
  getByName(datacenterId: string, name: string): Promise<Row | undefined>;
}

/**
 * For objects whose names are unique within their data center (clusters, networks, storage domains):
 * the id, or DATACENTER/NAME with the data center's name.
 */
export async function findByIdOrDatacenterPath<Row>(
  datacenters: Pick<Lookup<{ readonly id: string }>, 'getByName'>,
  repository: DatacenterScopedLookup<Row>,
  id: string,
): Promise<Row | undefined> {
  if (new RegExp(UUID_PATTERN).test(id)) return repository.get(id);
  const [datacenterName, name, ...rest] = id.split('/');
  if (!datacenterName || !name || rest.length > 0) return undefined;
  const datacenter = await datacenters.getByName(datacenterName);
  return datacenter ? repository.getByName(datacenter.id, name) : undefined;
}

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

import { readFileSync } from 'node:fs';
import type { SshEndpoint } from '../backends/ssh/index.js';
import type { LabFile, LabHostEntry } from './labFile.js';

export interface LabEndpoints {
  readonly hosts: readonly SshEndpoint[];
  readonly storage: SshEndpoint;
}

/** SSH endpoints of the lab's machines, each pinned to the host key lab.json records. */
export function labEndpoints(lab: LabFile): LabEndpoints {
  const privateKey = readFileSync(lab.sshPrivateKeyFile);
  const endpoint = (entry: LabHostEntry): SshEndpoint => ({
    name: entry.name,
    host: entry.address,
    port: entry.port,
    username: lab.sshUser,
    privateKey,
    hostKey: { pinned: entry.hostKey },
  });
  return { hosts: lab.hosts.map(endpoint), storage: endpoint(lab.storage) };
}

import type { SshPool } from '../ssh/index.js';

/** The part of the SSH pool the iSCSI backend uses (an SshPool, or anything that wraps one). */
export type RemoteShell = Pick<SshPool, 'exec' | 'script'>;

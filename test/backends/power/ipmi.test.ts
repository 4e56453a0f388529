/** The fence agent's command line: the password never on it (ipmitool reads IPMI_PASSWORD with -E). */
import { describe, expect, it } from 'vitest';
import { ipmitoolArgv } from '../../../lib/backends/power/index.js';

describe('ipmitool argv', () => {
  it('names the BMC, cipher suite 3 and -E, and no password', () => {
    const argv = ipmitoolArgv({ agent: 'ipmilan', address: '10.0.0.2', port: 6231, username: 'admin' }, 'off');
    expect(argv).toEqual(expect.arrayContaining(['-I', 'lanplus', '-C', '3', '-H', '10.0.0.2', '-p', '6231', '-U', 'admin', '-E']));
    expect(argv.slice(-3)).toEqual(['chassis', 'power', 'off']);
    expect(argv).not.toContain('-P');
  });
});

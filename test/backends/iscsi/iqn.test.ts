import { describe, expect, it } from 'vitest';
import { IscsiValidationError } from '../../../lib/backends/iscsi/errors.js';
import { iqnProblem, isIqn, validateInitiatorName, validateIqn } from '../../../lib/backends/iscsi/iqn.js';

describe('IQN validation', () => {
  it.each([
    'iqn.2024-01.dev.example',
    'iqn.2024-01.dev.example:storage',
    'iqn.2003-01.org.linux-iscsi.host1:sn.1234',
    'iqn.1993-08.org.debian:01:abcdef',
    'iqn.2024-12.com.example:db-01.lun.group',
    `iqn.2024-01.com.example:${'a'.repeat(223 - 'iqn.2024-01.com.example:'.length)}`,
  ])('accepts %s', (iqn) => {
    expect(iqnProblem(iqn)).toBeUndefined();
    expect(isIqn(iqn)).toBe(true);
    expect(() => validateIqn(iqn)).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['IQN.2024-01.dev.example', 'lowercase'],
    ['iqn.2024-01.dev.Example:x', 'lowercase'],
    ['iqn.2024-13.dev.example', 'month 13'],
    ['iqn.2024-00.dev.example', 'month 00'],
    ['iqn.24-01.dev.example', 'look like'],
    ['iqn.2024-01.-dev.example', 'look like'],
    ['iqn.2024-01.dev.example:', 'look like'],
    ['iqn.2024-01.dev.example:a b', 'look like'],
    ['iqn.2024-01.dev.example:a,b', 'look like'],
    ['iqn.2024-01.dev.example:$(id)', 'look like'],
    ['iqn.2024-01.dev.example:a;rm', 'look like'],
    ['iqn.2024-01.dev.example:a\nb', 'look like'],
    ['iqn.2024-01.dev.example:a/b', 'look like'],
    ['iqn.2024-01.dev.example:.hidden', 'start or end'],
    ['eui.0123456789abcdef', 'look like'],
    ['eui.0123456789ABCDEF', 'lowercase'],
    [`iqn.2024-01.com.example:${'a'.repeat(300)}`, 'longer than 223'],
  ])('refuses %j (%s)', (iqn, why) => {
    const problem = iqnProblem(iqn);
    expect(problem).toContain(why);
    const error = (() => {
      try {
        validateIqn(iqn, 'targets[0].iqn');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(IscsiValidationError);
    expect((error as IscsiValidationError).path).toBe('targets[0].iqn');
    // Control characters are shown escaped, never raw, in messages.
    expect((error as Error).message).not.toContain('\n');
  });

  it('accepts EUI-64 initiator names but not lowercase ones nor junk', () => {
    expect(() => validateInitiatorName('eui.0123456789ABCDEF', 'initiators[0].name')).not.toThrow();
    expect(() => validateInitiatorName('iqn.1993-08.org.debian:01:abc', 'initiators[0].name')).not.toThrow();
    expect(() => validateInitiatorName('eui.0123456789abcdef', 'initiators[0].name')).toThrow(IscsiValidationError);
    expect(() => validateInitiatorName('ALL', 'initiators[0].name')).toThrow(/initiators\[0\]\.name/);
  });
});

/** A plan's warnings once per Terraform run (issue 19): the apply's second plan must not print them again. */
import { describe, expect, it } from 'vitest';
import { errorDiagnostic, warningDiagnostic, warningsOncePerRun } from '../../lib/framework/index.js';

describe('warningsOncePerRun', () => {
  // A parent that exists (this process) stands for the terraform process; pids for its provider processes.
  const terraform = process.pid;
  const planProcess = 1_000_001;
  const applyProcess = 1_000_002;

  it('drops a warning an earlier provider process of the same run gave, keeps errors and new warnings', () => {
    const scope = `test_${Math.random().toString(16).slice(2)}`;
    const migration = warningDiagnostic('Live migration', 'VM "web" moves from kvm1 to kvm2 by live migration.', ['host_id']);
    const error = errorDiagnostic('Refused', 'no');
    expect(warningsOncePerRun(scope, [migration], terraform, planProcess)).toEqual([migration]);
    // The same process may repeat itself; the apply's process does not.
    expect(warningsOncePerRun(scope, [migration], terraform, planProcess)).toEqual([migration]);
    expect(warningsOncePerRun(scope, [migration, error], terraform, applyProcess)).toEqual([error]);
    const other = warningDiagnostic('Live migration', 'VM "db" moves from kvm1 to kvm2 by live migration.', ['host_id']);
    expect(warningsOncePerRun(scope, [other], terraform, applyProcess)).toEqual([other]);
    // Another resource type with the same words is another warning.
    expect(warningsOncePerRun(`${scope}_2`, [migration], terraform, applyProcess)).toEqual([migration]);
  });

  it('keeps everything when there is no run to remember it for', () => {
    const warning = warningDiagnostic('W', 'w');
    expect(warningsOncePerRun('x', [warning], 1, planProcess)).toEqual([warning]);
    expect(warningsOncePerRun('x', [warning], 1, applyProcess)).toEqual([warning]);
  });
});

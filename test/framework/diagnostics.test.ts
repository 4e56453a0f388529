/**
 * reasonOf: the one line a PartialApplyError's message carries about its cause. Without it the
 * diagnostic said only what was left ("storage domain X is in the inventory but not on every host
 * yet"), and a failed full run could not tell why.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticError, DiagnosticsError, diagnosticsFromError, errorDiagnostic, PartialApplyError, reasonOf } from '../../lib/framework/index.js';

describe('reasonOf', () => {
  it("gives a diagnostic error's summary and detail", () => {
    const cause = new DiagnosticError('Storage pool not started (kvm2)', 'virsh pool-start said: cannot open directory', ['name']);
    expect(reasonOf(cause, 'setting up its pools')).toBe('Storage pool not started (kvm2): virsh pool-start said: cannot open directory');
  });

  it('joins several diagnostics, and names the operation for an error that is no diagnostic', () => {
    const several = new DiagnosticsError([
      errorDiagnostic('Host unreachable (kvm1)', 'connection refused'),
      errorDiagnostic('Host unreachable (kvm2)', 'timed out'),
    ]);
    expect(reasonOf(several, 'setting up its pools')).toBe('Host unreachable (kvm1): connection refused; Host unreachable (kvm2): timed out');
    expect(reasonOf(new Error('boom'), 'setting up its pools')).toBe('setting up its pools: boom');
  });

  it("reaches the partial apply's diagnostic, which Terraform shows", () => {
    const cause = new DiagnosticError('Storage pool not started (kvm2)', 'cannot open directory');
    const partial = new PartialApplyError(
      `storage domain san is in the inventory but not on every host yet: ${reasonOf(cause, 'setting up its pools')}`,
      {},
      { cause },
    );
    const [diagnostic] = diagnosticsFromError(partial, 'Cannot create virtplane_storage_domain');
    expect(diagnostic).toMatchObject({ summary: 'Cannot create virtplane_storage_domain' });
    expect(diagnostic!.detail).toContain('not on every host yet: Storage pool not started (kvm2): cannot open directory');
  });
});

import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('virtplane doctor', () => {
  it('finds everything it needs on this machine', () => {
    const result = runCli(['doctor']);
    expect(result.stdout).toMatch(/^ok\s+debian packages\s+all \d+ installed$/m);
    expect(result.stdout).toMatch(/^ok\s+terraform\s+Terraform 1\.\d+/m);
    expect(result.stdout).toContain('this machine has what virtplane needs');
    expect(result.status).toBe(0);
  });

  it('says how to fix a missing terraform, and fails', () => {
    const result = runCli(['doctor'], { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });
    expect(result.stdout).toMatch(/^FAIL\s+terraform\s+not found on PATH$/m);
    expect(result.stdout).toMatch(/fix: install Terraform 1\.11 or later/);
    expect(result.status).toBe(1);
  });
});

describe('virtplane usage errors', () => {
  it.each([
    [['lab', 'up', '--hosts', 'two'], /--hosts must be a whole number/],
    [['lab', 'up', '--subnet', '10.1.2.3/24'], /host bits set/],
    [['lab', 'sideways'], /usage: virtplane lab up/],
    [['fly'], /unknown command "fly"/],
  ])('%j is refused with a message and nothing done', (args, message) => {
    const result = runCli(args);
    expect(result.stderr).toMatch(message);
    expect(result.status).not.toBe(0);
  });
});

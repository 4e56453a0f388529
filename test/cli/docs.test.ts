import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { documentedTypes, generatedFiles, REFERENCE_PATH } from '../../lib/docs/generatedFiles.js';
import { referenceMarkdown } from '../../lib/docs/referenceMarkdown.js';

describe('virtplane docs', () => {
  it('keeps docs/reference.md and constructs/generated/ in step with the schemas', () => {
    const result = runCli(['docs', '--check']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('documents every resource and data source with its attributes', () => {
    const markdown = referenceMarkdown(documentedTypes());
    expect(generatedFiles().get(REFERENCE_PATH)).toBe(markdown);
    for (const heading of [
      'provider "virtplane"',
      'resource virtplane_datacenter',
      'resource virtplane_cluster',
      'resource virtplane_host',
      'data source virtplane_host',
    ]) {
      expect(markdown).toContain(`### ${heading}`);
    }
    expect(markdown).toMatch(/\| `host_key` \| string \| optional \|/);
    expect(markdown).toMatch(/\| `address` \| string \| required \| .*changing it replaces the object/);
    expect(markdown).toMatch(/\| `ssh_private_key` \| string \| optional \| .*sensitive/);
  });
});

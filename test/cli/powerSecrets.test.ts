/** The engine's power controller passwords: its own file, owner-only, by host name; never echoed in errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPowerSecrets } from '../../lib/cli/powerSecrets.js';

const dir = mkdtempSync(join(tmpdir(), 'vp-power-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode });
  return path;
}

describe('--power-secrets', () => {
  it('reads passwords by host name from an owner-only file', () => {
    expect(readPowerSecrets(file('ok.json', '{"kvm1":"s3cret","kvm2":"other"}', 0o600))).toEqual(
      new Map([
        ['kvm1', 's3cret'],
        ['kvm2', 'other'],
      ]),
    );
  });

  it('refuses a file others can read, and bad entries, without showing a password', () => {
    expect(() => readPowerSecrets(file('open.json', '{"kvm1":"s3cret"}', 0o644))).toThrow(/readable by others \(mode 644\)/);
    const bad = (): unknown => readPowerSecrets(file('bad.json', '{"kvm1":"s3cret","kvm2":42}', 0o600));
    expect(bad).toThrow(/entry of "kvm2" is not a password string/);
    expect(bad).not.toThrow(/s3cret/);
  });
});

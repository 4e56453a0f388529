// How the guest image cache is read without building: `lab image` on a second run and `lab up` (which
// records the image in lab.json) must take only a whole image of the current recipe, never a half-written
// one or one of another recipe.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedGuestImage, labGuestImageEntry } from '../../lib/lab/guestImage.js';
import { DEBIAN_12_RECIPE, recipeHash } from '../../lib/lab/guestImageRecipe.js';

describe('guest image cache lookup', () => {
  let cacheDir: string;
  const hash = recipeHash(DEBIAN_12_RECIPE);
  const imageBytes = Buffer.from('not really a qcow2, but of the recorded size');
  const recorded = {
    format: 'qcow2',
    sha256: 'ab'.repeat(32),
    sizeBytes: imageBytes.length,
    virtualSizeBytes: 1024 ** 3,
    buildSeconds: 120.5,
    recipeName: 'debian-12',
    recipeHash: hash,
    kernelVersion: '6.1.0-1-cloud-amd64',
    mirror: 'http://mirror.example/debian',
    builtAt: '2026-12-06T00:00:00.000Z',
  };

  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vp-image-cache-'));
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('finds a whole image of the current recipe, and gives lab.json its path, sha256 and format', async () => {
    writeFileSync(join(cacheDir, `debian-12-${hash}.qcow2`), imageBytes);
    writeFileSync(join(cacheDir, `debian-12-${hash}.json`), JSON.stringify(recorded));
    const facts = await cachedGuestImage({ cacheDir });
    expect(facts).toEqual({ ...recorded, path: join(cacheDir, `debian-12-${hash}.qcow2`) });
    expect(await labGuestImageEntry({ cacheDir })).toEqual({ path: join(cacheDir, `debian-12-${hash}.qcow2`), sha256: recorded.sha256, format: 'qcow2' });
  });

  it('ignores an image without its facts file (a build stopped between the two renames)', async () => {
    writeFileSync(join(cacheDir, `debian-12-${hash}.qcow2`), imageBytes);
    expect(await cachedGuestImage({ cacheDir })).toBeUndefined();
    expect(await labGuestImageEntry({ cacheDir })).toBeUndefined();
  });

  it('ignores an image whose size is not the recorded one, and facts of another recipe', async () => {
    writeFileSync(join(cacheDir, `debian-12-${hash}.qcow2`), imageBytes.subarray(1));
    writeFileSync(join(cacheDir, `debian-12-${hash}.json`), JSON.stringify(recorded));
    expect(await cachedGuestImage({ cacheDir })).toBeUndefined();
    writeFileSync(join(cacheDir, `debian-12-${hash}.qcow2`), imageBytes);
    writeFileSync(join(cacheDir, `debian-12-${hash}.json`), JSON.stringify({ ...recorded, recipeHash: '000000000000' }));
    expect(await cachedGuestImage({ cacheDir })).toBeUndefined();
  });
});

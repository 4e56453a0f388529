/**
 * A VM's cloud-init seed goes with it when it moves: copied byte for byte from one lab host's own
 * /var/lib/virtplane (private to each host) to the same path on the other, and left alone where the
 * target already has the file (a directory both share). The bytes include NULs and every other value,
 * as an ISO's do.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySmallFileToHost, writeSmallFile } from '../../../lib/backends/libvirt/index.js';
import { useLabHosts, type LabHosts } from './support/labHosts.js';

let lab: LabHosts;
const path = `/var/lib/virtplane/seed-copy-${randomBytes(4).toString('hex')}.iso`;

beforeAll(async () => {
  lab = await useLabHosts();
});

afterAll(async () => {
  for (const host of [lab.kvm1, lab.kvm2]) await host.exec(['rm', '-f', '--', path]).catch(() => undefined);
});

describe('copySmallFileToHost', () => {
  it('copies a binary file to the same path on a host that does not have it, then leaves that copy alone', async () => {
    const bytes = Buffer.concat([Buffer.from([0, 1, 2, 255, 0, 10, 13]), randomBytes(300 * 1024)]);
    await writeSmallFile(lab.kvm1, path, bytes);
    // Each host's /var/lib/virtplane is its own: kvm2 does not see kvm1's file.
    expect((await lab.kvm2.exec(['test', '-f', path], { allowExitCodes: [1] })).exitCode).toBe(1);

    expect(await copySmallFileToHost(lab.kvm1, lab.kvm2, path)).toBe('copied');
    const sums = await Promise.all([lab.kvm1, lab.kvm2].map(async (host) => (await host.exec(['sha256sum', '--', path])).stdout.split(' ')[0]));
    expect(sums[1]).toBe(sums[0]);
    expect((await lab.kvm2.exec(['stat', '-c', '%s', path])).stdout.trim()).toBe(String(bytes.length));

    expect(await copySmallFileToHost(lab.kvm1, lab.kvm2, path)).toBe('present');
  });
});

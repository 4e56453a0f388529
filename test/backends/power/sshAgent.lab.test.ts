/**
 * The `ssh` fence agent against the lab's ssh power controller (an sshd of its own in the storage
 * machine's namespace, its host key pinned): it reports the same power as the host's BMC, and says
 * what is wrong when the pinned key is another machine's, the controller is not there, or the command
 * names no host it controls. Powering off through it is in test/engine/haLease.lab.test.ts.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PowerControlError, powerStatus, type SshPowerDevice } from '../../../lib/backends/power/index.js';
import { labPower } from '../../../lib/lab/power.js';
import { useLab, type TestLab } from '../../support/lab.js';

let lab: TestLab;
let device: SshPowerDevice;

async function failure(promise: Promise<unknown>): Promise<PowerControlError> {
  const error = await promise.then(
    () => expect.fail('it answered'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PowerControlError);
  return error as PowerControlError;
}

beforeAll(async () => {
  lab = await useLab();
  const kvm2 = lab.lab.hosts.find((host) => host.name === 'kvm2')!;
  const ssh = kvm2.sshPower ?? expect.fail('lab.json has no sshPower: lab up is older than this test');
  device = { ...ssh, privateKey: readFileSync(lab.lab.sshPrivateKeyFile) };
}, 120_000);

describe('ssh fence agent (lab power controller)', () => {
  it('reports the power the BMC reports', async () => {
    const bmc = await labPower(lab.lab.hosts.find((host) => host.name === 'kvm2')!.power!, 'status');
    expect(await powerStatus(device)).toBe(bmc);
  });

  it('refuses a controller that shows another host key', async () => {
    const error = await failure(powerStatus({ ...device, hostKey: lab.lab.storage.hostKey }));
    expect(error.kind).toBe('authentication');
    expect(error.message).toMatch(/host key mismatch/);
  });

  it('says when no controller answers, or its command fails', async () => {
    expect((await failure(powerStatus({ ...device, port: device.port + 1 }))).kind).toBe('unreachable');
    const wrongHost = await failure(powerStatus({ ...device, command: 'power kvm99' }));
    expect(wrongHost.kind).toBe('unexpected');
    expect(wrongHost.message).toMatch(/no such host: kvm99/);
  });
});

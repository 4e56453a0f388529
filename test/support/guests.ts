/**
 * Reaching real guests in tests. A guest sits on a NAT network inside a lab host, so the tests run ssh
 * (or curl) on that host; the lab's hosts share this machine's file system, so the key file is there too.
 * The guest's host key is new with each guest: it is not pinned (StrictHostKeyChecking=no, nothing kept).
 */

/** ssh's argv that runs `command` in the guest as `login` (user@address) with the key cloud-init installed. */
export function sshToGuestArgv(keyFile: string, login: string, command: string): string[] {
  return [
    'ssh',
    '-i',
    keyFile,
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'BatchMode=yes',
    '-o',
    // It also bounds sshd's banner: under TCG and load, sshd (re-executed per connection) took longer than
    // 3-5 s to send it while it had been listening for minutes, so every attempt was cut off ("Connection
    // timed out during banner exchange") and left an sshd in the guest burning its CPU. A closed port
    // still fails at once.
    'ConnectTimeout=60',
    login,
    command,
  ];
}

/** A shell test that passes once cloud-init has run all its stages in the guest. */
export const CLOUD_INIT_DONE = 'test -e /var/lib/cloud/instance/boot-finished';

/**
 * A shell command that waits in the guest, up to 4 minutes, for cloud-init's end (then fails). A guest
 * answers SSH before that: sshd starts after cloud-init's first stage (keys installed), and its config stage
 * then sets PasswordAuthentication and RESTARTS sshd (ssh_pwauth), so a login that worked can be refused
 * seconds later (CI saw exactly that). Tests that go on to use the guest wait for this, not for a login.
 * It waits inside one login rather than being polled with a login every few seconds: each login costs the
 * guest's QEMU about 1.5 CPU-s under TCG (key exchange, sshd's re-exec, the shell), taken from the boot it
 * waits for (scripts/bench-guest.mjs --idle --wait-inside: 89 against 97 CPU-s to cloud-init's end).
 * The session outlives sshd's restart (Debian's ssh.service kills only the listener).
 */
export const CLOUD_INIT_FINISHED = `i=0; until ${CLOUD_INIT_DONE}; do i=$((i+1)); [ $i -le 240 ] || exit 1; sleep 1; done`;

/** Tries `attempt` every `intervalMs` until it resolves; after `timeoutMs` the last failure is thrown. */
export async function untilItWorks<T>(attempt: () => Promise<T>, timeoutMs: number, intervalMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

#!/usr/bin/env node
// Real guests through the provider against the same work done by hand, measured in one run on the lab's
// kvm1 (one guest at a time, so that the two never share the CPU):
//   1. template to SSH-ready guest: `terraform apply` of a thin disk from the template plus a VM with
//      cloud_init and wait_for_ip, then SSH polled until it answers, beside the same by hand over SSH:
//      qemu-img create -b (the template as backing file), the same NoCloud seed written with dd, virsh
//      define + start of a hand-written domain, the address from the DHCP lease, SSH polled;
//   2. a thin clone of a small (the 1 GiB template) and of a large (200 GiB, sparse) base through the
//      libvirt backend (what virtplane_disk runs), beside `qemu-img create -b` alone in one SSH call;
//   3. with --baseline-image PATH (an image of an older recipe, e.g. the previous debian-12-*.qcow2 in
//      /var/cache/virtplane/images; `auto` picks the newest such file there, and skips this part if none): the lab's current image and that one booted by hand the same way,
//      side by side (same load), --boots N rounds: seconds to SSH and to cloud-init's end, and the qemu process's
//      CPU-s (utime+stime from /proc) at cloud-init's end. --inspect prints systemd-analyze and
//      cloud-init's own timings from the last boot of each. --only-images skips parts 1 and 2;
//   4. --idle (alone): what a booted guest costs while its test does something else. The current image (and
//      --baseline-image's; with --wait-inside the current one again, awaiting cloud-init's end inside one SSH
//      login instead of a login a second; with --cmdline-variant "ARGS", repeatable, the current image's kernel
//      booted directly with the recipe's command line, bare and plus ARGS) boot side by side; after --settle
//      seconds (30) the qemu processes' CPU per minute over --idle-seconds (60) with nothing talking to the
//      guests, by thread, and the guests' own counters around that window (clocksource, interrupts, CPU
//      ticks, context switches, processes); then what one SSH login costs (--ssh-logins N in a row, 5).
// Under TCG (the lab's hosts hide /dev/kvm) a boot takes about a minute: the ratio is the figure to read.
// Needs the lab up (`virtplane lab up`, which also builds the guest image) and the compiled code:
//   npx tsc -p tsconfig.json && npx tsc -p test/provider/tsconfig.fixtures.json
// Run: node scripts/bench-guest.mjs [--clones N] [--baseline-image PATH [--boots N] [--inspect] [--only-images]]
//      node scripts/bench-guest.mjs --idle [--wait-inside] [--baseline-image PATH] [--cmdline-variant ARGS]...
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchLab, dist, requireBuilt } from './benchLab.mjs';

requireBuilt(
  [dist('lib/provider/main.js'), dist('test/support/terraform.js'), dist('test/support/platformHcl.js'), dist('test/support/guests.js')],
  'npx tsc -p tsconfig.json && npx tsc -p test/provider/tsconfig.fixtures.json',
);
const { lab } = await benchLab();
if (lab.guestImage === undefined) {
  process.stderr.write('the lab file names no guest image: run `node dist/lib/cli/main.js lab up`\n');
  process.exit(2);
}

const { createTerraformWorkspace } = await import(dist('test/support/terraform.js'));
const { platformHcl, hclString } = await import(dist('test/support/platformHcl.js'));
const { sshToGuestArgv, CLOUD_INIT_DONE, CLOUD_INIT_FINISHED } = await import(dist('test/support/guests.js'));
const { labEndpoints } = await import(dist('lib/lab/endpoints.js'));
const { SshPool } = await import(dist('lib/backends/ssh/index.js'));
const { createThinClone, sshLibvirtHost } = await import(dist('lib/backends/libvirt/index.js'));
const { buildNoCloudSeed, instanceIdOf } = await import(dist('lib/backends/cloudinit/index.js'));

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const CLONES = option('--clones', 5);
const textOption = (name) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
/**
 * `auto`: the newest other image of the same recipe name in the lab image's cache folder (the one the
 * recipe before the current one built), if there is one.
 */
function baselineImage(chosen) {
  if (chosen !== 'auto') return chosen;
  const current = lab.guestImage.path;
  const folder = dirname(current);
  const stem = current
    .split('/')
    .pop()
    .replace(/-[0-9a-f]{12}\.qcow2$/, '');
  const older = readdirSync(folder)
    .filter((name) => name.startsWith(`${stem}-`) && name.endsWith('.qcow2') && join(folder, name) !== current)
    .map((name) => join(folder, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (older.length === 0) process.stderr.write(`no older ${stem} image in ${folder}: part 3 (current image beside an older recipe's) skipped\n`);
  return older[0];
}
const BASELINE_IMAGE = baselineImage(textOption('--baseline-image'));
const BOOTS = option('--boots', 2);
const INSPECT = process.argv.includes('--inspect');
const ONLY_IMAGES = process.argv.includes('--only-images');
const IDLE = process.argv.includes('--idle');
const IDLE_SECONDS = option('--idle-seconds', 60);
const SETTLE_SECONDS = option('--settle', 30);
const WAIT_INSIDE = process.argv.includes('--wait-inside');
const SSH_LOGINS = option('--ssh-logins', 5);
const CMDLINE_VARIANTS = process.argv.flatMap((arg, index) => (arg === '--cmdline-variant' ? [process.argv[index + 1]] : []));
if (BASELINE_IMAGE !== undefined && !existsSync(BASELINE_IMAGE)) {
  process.stderr.write(`no baseline image at ${BASELINE_IMAGE}\n`);
  process.exit(2);
}
const tag = randomBytes(3).toString('hex');
const dir = `/var/lib/virtplane/bench-${tag}`;
const network = `bench-${tag}-nat`;
const publicKey = readFileSync(`${lab.sshPrivateKeyFile}.pub`, 'utf8').trim();

const { hosts } = labEndpoints(lab);
const kvm1 = hosts[0];
const pool = new SshPool();
const host = sshLibvirtHost(pool, kvm1);
const exec = (argv, options = {}) => pool.exec(kvm1, argv, options);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** ssh's argv, run on kvm1 (where the guest's NAT network is), that runs `command` in the guest. */
const sshToGuest = (address, command) => sshToGuestArgv(lab.sshPrivateKeyFile, `lab@${address}`, command);

/** Polls SSH to the guest until `command` succeeds in it. */
async function waitForSsh(address, command = 'true') {
  for (;;) {
    const attempt = await exec(sshToGuest(address, command), { allowExitCodes: [255, 1] });
    if (attempt.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** CPU seconds (user + system) the domain's qemu process has used so far, from /proc on its host. */
async function qemuCpuSeconds(name) {
  const stat = (await exec(['sh', '-c', 'cat "/proc/$(cat "/run/libvirt/qemu/$1.pid")/stat"', 'sh', name])).stdout;
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Boots a guest by hand on kvm1 from `backingFile` (a qcow2 overlay on it, a NoCloud seed as vdb, the
 * domain XML below on `network`) and waits for SSH, then for cloud-init's end. Returns the seconds to
 * each and qemu's CPU-s at the end; the domain is left running (`inspect` may look inside) for the caller
 * to destroy.
 */
async function bootByHand(name, backingFile, network, kernelBoot, waitInside = false) {
  const started = performance.now();
  const overlay = `${dir}/${name}-root.qcow2`;
  const seedPath = `${dir}/${name}-seed.iso`;
  await exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backingFile, overlay]);
  const uuid = randomUUID();
  const config = { users: [{ name: 'lab', sshAuthorizedKeys: [publicKey], sudo: false }], writeFiles: [], runcmd: [] };
  await exec(['dd', `of=${seedPath}`, 'status=none'], { stdin: await buildNoCloudSeed(instanceIdOf(uuid, config), config) });
  const mac = `52:54:00:${randomBytes(3).toString('hex').match(/../g).join(':')}`;
  const xml = `<domain type='qemu'>
  <name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>384</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>${
    kernelBoot === undefined
      ? "<boot dev='hd'/>"
      : `<kernel>${kernelBoot.kernel}</kernel><initrd>${kernelBoot.initrd}</initrd><cmdline>${kernelBoot.cmdline}</cmdline>`
  }</os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${overlay}'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${seedPath}'/><target dev='vdb' bus='virtio'/><readonly/></disk>
    <interface type='network'><source network='${network}'/><mac address='${mac}'/><model type='virtio'/></interface>
    <serial type='pty'/><console type='pty'/>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>`;
  await exec(['sh', '-c', 'cat > "$1" && virsh -q define "$1" && virsh -q start "$2"', 'sh', `${dir}/${name}.xml`, name], { stdin: xml });
  let address = '';
  while (address === '') {
    const leases = await exec(['virsh', '-q', 'domifaddr', name, '--source', 'lease'], { allowExitCodes: [1] });
    address = /ipv4\s+(\d+\.\d+\.\d+\.\d+)/.exec(leases.stdout)?.[1] ?? '';
    if (address === '') await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await waitForSsh(address);
  const sshMs = performance.now() - started;
  // Polling logs in once a second until cloud-init is done; waitInside logs in once and waits there.
  await waitForSsh(address, waitInside ? CLOUD_INIT_FINISHED : CLOUD_INIT_DONE);
  const finishedMs = performance.now() - started;
  return { name, address, sshMs, finishedMs, cpuSeconds: await qemuCpuSeconds(name) };
}

/** Removes a domain bootByHand made, with its overlay, seed and XML. */
async function removeHandGuest(name) {
  await exec(['sh', '-c', 'virsh -q destroy "$1"; virsh -q undefine "$1"; rm -f "$2/$1"-root.qcow2 "$2/$1"-seed.iso "$2/$1".xml', 'sh', name, dir], {
    allowExitCodes: [0, 1],
  });
}

/** What a guest spent its boot on: systemd's and cloud-init's own accounts (slow under TCG: minutes allowed). */
async function inspectGuest(address) {
  const commands = [
    'systemd-analyze',
    'systemd-analyze blame | head -25',
    'systemd-analyze critical-chain',
    'cloud-init analyze show | grep -v "^\\s*$" | head -90',
    'cloud-init analyze blame | head -30',
  ];
  let report = '';
  for (const command of commands) {
    const answer = await exec(sshToGuest(address, command), { allowExitCodes: [0, 1, 2, 255], timeoutMs: 600_000 });
    report += `$ ${command}\n${answer.stdout}${answer.stderr}\n`;
  }
  return report;
}

/** A transient NAT network with DHCP on kvm1, 10.<octet>.0.0/24, for guests booted by hand; returns its name. */
async function createNatNetwork(suffix, octet) {
  const name = `bench-${tag}-${suffix}`;
  const networkXml = `<network><name>${name}</name><forward mode='nat'/><ip address='10.${octet}.0.1' netmask='255.255.255.0'><dhcp><range start='10.${octet}.0.10' end='10.${octet}.0.250'/></dhcp></ip></network>`;
  await exec(['mkdir', '-p', dir]);
  await exec(['sh', '-c', 'cat > "$1" && virsh -q net-create "$1"', 'sh', `${dir}/${name}.xml`], { stdin: networkXml });
  return name;
}

/**
 * Part 3: the current image beside the baseline one. Each round boots one guest of each at the same
 * time, so that both see the same load (this machine is shared); the CPU-s figure is the one that does
 * not depend on the load.
 */
async function compareImages() {
  const imageNetwork = await createNatNetwork('img', 219);
  const images = [
    ['baseline', BASELINE_IMAGE],
    ['current', lab.guestImage.path],
  ];
  const results = { baseline: [], current: [] };
  const reports = {};
  try {
    for (let round = 0; round < BOOTS; round++) {
      await Promise.all(
        images.map(async ([label, image]) => {
          const name = `bench-${tag}-${label}-${round}`;
          try {
            const boot = await bootByHand(name, image, imageNetwork);
            results[label].push(boot);
            console.log(
              `  ${label} boot ${round + 1}: SSH ${seconds(boot.sshMs)}, cloud-init done ${seconds(boot.finishedMs)}, qemu ${boot.cpuSeconds.toFixed(1)} CPU-s`,
            );
            if (INSPECT && round === BOOTS - 1) reports[label] = await inspectGuest(boot.address);
          } finally {
            await removeHandGuest(name);
          }
        }),
      );
    }
  } finally {
    await exec(['virsh', '-q', 'net-destroy', imageNetwork], { allowExitCodes: [0, 1] });
  }
  console.log(`image boot (by hand on kvm1, TCG, 384 MiB, 1 vCPU; ${BOOTS} round(s), both images booting at once in each; medians):`);
  for (const [label, image] of images) {
    const boots = results[label];
    console.log(
      `  ${label.padEnd(8)} ${image.split('/').pop()}: SSH ${seconds(median(boots.map((boot) => boot.sshMs)))}, cloud-init done ${seconds(median(boots.map((boot) => boot.finishedMs)))}, qemu ${median(boots.map((boot) => boot.cpuSeconds)).toFixed(1)} CPU-s`,
    );
  }
  const ratio = (pick) => (median(results.current.map(pick)) / median(results.baseline.map(pick))).toFixed(2);
  console.log(
    `  current/baseline: SSH ${ratio((boot) => boot.sshMs)}x, cloud-init done ${ratio((boot) => boot.finishedMs)}x, qemu CPU-s ${ratio((boot) => boot.cpuSeconds)}x`,
  );
  for (const [label, report] of Object.entries(reports)) console.log(`--- inside the ${label} guest (last boot) ---\n${report}`);
}

/** One line of /proc/PID/stat: the pid, the command name and utime+stime in clock ticks. */
function parseProcStat(line) {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  const fields = line.slice(close + 2).split(' ');
  return { pid: line.slice(0, open).trim(), comm: line.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** The domain's qemu process and each of its threads (keyed by thread id), in clock ticks (USER_HZ, 100 here). */
async function qemuTicks(name) {
  const out = (
    await exec([
      'sh',
      '-c',
      'p=$(cat "/run/libvirt/qemu/$1.pid"); cat "/proc/$p/stat"; for t in /proc/$p/task/*; do cat "$t/stat"; done 2>/dev/null',
      'sh',
      name,
    ])
  ).stdout;
  const [process, ...threads] = out.trim().split('\n').map(parseProcStat);
  return { total: process.ticks, threads };
}

const GUEST_SNAPSHOT = [
  'cat /sys/devices/system/clocksource/clocksource0/current_clocksource',
  'echo =====; cat /proc/interrupts',
  'echo =====; head -1 /proc/stat; grep ^ctxt /proc/stat',
  'echo =====; cat /proc/[0-9]*/stat 2>/dev/null',
].join('; ');

/** What the guest itself counts: its clocksource, interrupts by source, CPU ticks by kind, context switches, per-process CPU. */
async function guestSnapshot(address) {
  const answer = await exec(sshToGuest(address, GUEST_SNAPSHOT), { timeoutMs: 300_000 });
  const [clocksource, interrupts, stat, processes] = answer.stdout.split('=====\n');
  const interruptCounts = new Map();
  for (const line of interrupts.trim().split('\n').slice(1)) {
    const [source, ...rest] = line.trim().split(/\s+/);
    const counts = rest.filter((word) => /^\d+$/.test(word));
    const label = `${source} ${rest.slice(counts.length).join(' ')}`.trim();
    interruptCounts.set(
      label,
      counts.reduce((sum, count) => sum + Number(count), 0),
    );
  }
  const [cpuLine, ctxtLine] = stat.trim().split('\n');
  const cpuNames = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
  const cpu = Object.fromEntries(
    cpuLine
      .trim()
      .split(/\s+/)
      .slice(1, 1 + cpuNames.length)
      .map((value, index) => [cpuNames[index], Number(value)]),
  );
  const perProcess = new Map(
    processes
      .trim()
      .split('\n')
      .filter((line) => line.includes(')'))
      .map(parseProcStat)
      .map((entry) => [`${entry.pid} ${entry.comm}`, entry.ticks]),
  );
  return { clocksource: clocksource.trim(), interruptCounts, cpu, contextSwitches: Number(ctxtLine.split(' ')[1]), perProcess, at: performance.now() };
}

/** Entries of `after` that grew since `before`, largest first, scaled to one minute of `minutes`. */
function perMinuteDeltas(before, after, minutes, top) {
  return [...after.entries()]
    .map(([key, value]) => [key, (value - (before.get(key) ?? 0)) / minutes])
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
}

/**
 * Part 4 (--idle): what a booted guest costs while nothing happens in it. The variants (the current
 * image, --baseline-image, and with --cmdline-variant "ARGS" the current image's kernel booted directly
 * with the recipe's command line, bare and plus ARGS) boot at once; once each has finished cloud-init,
 * they sit --settle seconds, then the qemu processes' CPU (utime+stime) is read over --idle-seconds with
 * nothing talking to the guests, and the guests' own counters around that window say where it went.
 */
async function measureIdle() {
  const idleNetwork = await createNatNetwork('idle', 218);
  const variants = [{ label: 'current', image: lab.guestImage.path }];
  if (WAIT_INSIDE) variants.push({ label: 'current, cloud-init awaited inside one SSH login', image: lab.guestImage.path, waitInside: true });
  if (BASELINE_IMAGE !== undefined) variants.push({ label: 'baseline', image: BASELINE_IMAGE });
  if (CMDLINE_VARIANTS.length > 0) {
    const { DEBIAN_12_RECIPE } = await import(dist('lib/lab/guestImageRecipe.js'));
    const { kernelVersion } = JSON.parse(readFileSync(lab.guestImage.path.replace(/\.qcow2$/, '.json'), 'utf8'));
    const kernel = `${dir}/vmlinuz`;
    const initrd = `${dir}/initrd.img`;
    // The image has no partitions: debugfs reads the kernel and initramfs straight out of its ext4.
    await exec([
      'sh',
      '-c',
      'qemu-img convert -O raw "$1" "$2/root.raw" && debugfs -R "dump /boot/vmlinuz-$3 $2/vmlinuz" "$2/root.raw" && debugfs -R "dump /boot/initrd.img-$3 $2/initrd.img" "$2/root.raw" && rm "$2/root.raw" && test -s "$2/vmlinuz"',
      'sh',
      lab.guestImage.path,
      dir,
      kernelVersion,
    ]);
    for (const extra of ['', ...CMDLINE_VARIANTS]) {
      variants.push({
        label: extra === '' ? 'direct' : `direct + ${extra}`,
        image: lab.guestImage.path,
        kernelBoot: { kernel, initrd, cmdline: `${DEBIAN_12_RECIPE.kernelCommandLine} ${extra}`.trim() },
      });
    }
  }
  const names = variants.map((_, index) => `bench-${tag}-idle-${index}`);
  try {
    const boots = await Promise.all(
      variants.map(async (variant, index) => {
        const boot = await bootByHand(names[index], variant.image, idleNetwork, variant.kernelBoot, variant.waitInside);
        console.log(`  ${variant.label}: SSH ${seconds(boot.sshMs)}, cloud-init done ${seconds(boot.finishedMs)}, qemu ${boot.cpuSeconds.toFixed(1)} CPU-s`);
        return boot;
      }),
    );
    const devices = (await exec(['virsh', 'dumpxml', names[0]])).stdout.match(/<(controller|input|memballoon|rng|video|sound|watchdog|timer)\b[^>]*>/g) ?? [];
    console.log(`  devices libvirt added or kept (dumpxml): ${devices.join(' ')}`);
    console.log(`  settling ${SETTLE_SECONDS} s after the last guest's cloud-init ...`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
    const guestsBefore = await Promise.all(boots.map((boot) => guestSnapshot(boot.address)));
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const qemuBefore = await Promise.all(names.map(qemuTicks));
    const windowStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const qemuAfter = await Promise.all(names.map(qemuTicks));
    const qemuMinutes = (performance.now() - windowStarted) / 60_000;
    const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const guestsAfter = await Promise.all(boots.map((boot) => guestSnapshot(boot.address)));
    // What one SSH login running `true` costs the guest's qemu, with ssh's default key exchange and with
    // curve25519 alone (OpenSSH 9.2's default, sntrup761x25519, is post-quantum arithmetic that TCG emulates).
    const loginCosts = [];
    for (const [label, options] of [
      ['default key exchange', []],
      ['KexAlgorithms=curve25519-sha256', ['-o', 'KexAlgorithms=curve25519-sha256']],
    ]) {
      const costs = await Promise.all(
        boots.map(async (boot, index) => {
          const before = (await qemuTicks(names[index])).total;
          const started = performance.now();
          for (let login = 0; login < SSH_LOGINS; login++) {
            const argv = sshToGuest(boot.address, 'true');
            await exec([argv[0], ...options, ...argv.slice(1)], { timeoutMs: 300_000 });
          }
          const cpu = ((await qemuTicks(names[index])).total - before) / 100 / SSH_LOGINS;
          return `${label}: qemu ${cpu.toFixed(2)} CPU-s, ${seconds((performance.now() - started) / SSH_LOGINS)} per login`;
        }),
      );
      loginCosts.push(costs);
    }
    console.log(`idle guests (by hand on kvm1, TCG, 384 MiB, 1 vCPU, all at once; ${IDLE_SECONDS} s window; load ${loadBefore} before, ${loadAfter} after):`);
    variants.forEach((variant, index) => {
      const before = qemuBefore[index];
      const after = qemuAfter[index];
      const byThread = new Map();
      for (const thread of after.threads) {
        const earlier = before.threads.find((candidate) => candidate.pid === thread.pid)?.ticks ?? 0;
        byThread.set(thread.comm, (byThread.get(thread.comm) ?? 0) + thread.ticks - earlier);
      }
      const threads = [...byThread.entries()]
        .filter(([, ticks]) => ticks > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([comm, ticks]) => `${comm} ${(ticks / 100 / qemuMinutes).toFixed(2)}`)
        .join(', ');
      const guestBefore = guestsBefore[index];
      const guestAfter = guestsAfter[index];
      const guestMinutes = (guestAfter.at - guestBefore.at) / 60_000;
      const cpu = Object.keys(guestAfter.cpu)
        .map((kind) => `${kind} ${((guestAfter.cpu[kind] - guestBefore.cpu[kind]) / guestMinutes).toFixed(0)}`)
        .join(' ');
      const interrupts = perMinuteDeltas(guestBefore.interruptCounts, guestAfter.interruptCounts, guestMinutes, 8)
        .map(([label, count]) => `${label}: ${count.toFixed(0)}`)
        .join('; ');
      const processes = perMinuteDeltas(guestBefore.perProcess, guestAfter.perProcess, guestMinutes, 8)
        .map(([label, ticks]) => `${label} ${ticks.toFixed(1)}`)
        .join(', ');
      console.log(`  ${variant.label}${variant.kernelBoot ? ` [${variant.kernelBoot.cmdline}]` : ` (${variant.image.split('/').pop()})`}:`);
      console.log(`    boot: qemu ${boots[index].cpuSeconds.toFixed(1)} CPU-s at cloud-init's end (${seconds(boots[index].finishedMs)})`);
      console.log(`    idle: qemu ${((after.total - before.total) / 100 / qemuMinutes).toFixed(2)} CPU-s per minute; by thread: ${threads}`);
      console.log(
        `    guest clocksource ${guestAfter.clocksource}; guest ticks/min: ${cpu}; context switches/min ${((guestAfter.contextSwitches - guestBefore.contextSwitches) / guestMinutes).toFixed(0)}`,
      );
      console.log(`    guest interrupts/min: ${interrupts}`);
      console.log(`    guest processes (ticks/min, snapshots' own ssh included): ${processes}`);
      console.log(`    one SSH login (\`true\`, ${SSH_LOGINS} in a row): ${loginCosts.map((costs) => costs[index]).join('; ')}`);
    });
  } finally {
    for (const name of names) await removeHandGuest(name).catch(() => undefined);
    await exec(['virsh', '-q', 'net-destroy', idleNetwork], { allowExitCodes: [0, 1] });
  }
}

/** Runs one part alone (--idle, --only-images), then removes the bench's folder and exits. */
async function runAlone(part) {
  try {
    await part();
  } finally {
    await exec(['rm', '-rf', dir], { allowExitCodes: [0, 1] }).catch(() => undefined);
    await pool.close();
  }
  process.exit(0);
}

if (IDLE) await runAlone(measureIdle);

if (ONLY_IMAGES) {
  if (BASELINE_IMAGE === undefined) {
    process.stderr.write('--only-images needs --baseline-image PATH\n');
    process.exit(2);
  }
  await runAlone(compareImages);
}

const tf = await createTerraformWorkspace({ entryPoint: dist('lib/provider/main.js') });
const inventory = join(tf.root, 'inventory');
const cloudInit = `
  cloud_init {
    user {
      name                = "lab"
      ssh_authorized_keys = [${hclString(publicKey)}]
    }
  }`;
const base = `${platformHcl(lab, { inventory, hosts: ['kvm1'], datacenter: `bench-${tag}`, cluster: `bench-${tag}` })}
resource "virtplane_storage_domain" "images" {
  name          = "bench-${tag}"
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = "${dir}"
  host_id       = virtplane_host.kvm1.id
  depends_on    = [virtplane_host.kvm1]
}
resource "virtplane_network" "nat" {
  name          = "${network}"
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = "10.209.0.0/24"
  depends_on    = [virtplane_host.kvm1]
}
resource "virtplane_image" "debian" {
  name              = "debian-12"
  storage_domain_id = virtplane_storage_domain.images.id
  source            = ${hclString(lab.guestImage.path)}
  sha256            = "${lab.guestImage.sha256}"
}
resource "virtplane_template" "debian" {
  name          = "debian-12"
  datacenter_id = virtplane_datacenter.dc.id
  image_id      = virtplane_image.debian.id
  vcpus         = 1
  memory_mib    = 384
  graphics      = "none"
}
`;
const guest = `
resource "virtplane_disk" "root" {
  name               = "tf-root"
  storage_domain_id  = virtplane_storage_domain.images.id
  source_template_id = virtplane_template.debian.id
}
resource "virtplane_vm" "guest" {
  name        = "bench-${tag}-tf"
  cluster_id  = virtplane_cluster.main.id
  template_id = virtplane_template.debian.id
  wait_for_ip = 600
  shutdown_timeout_seconds = 0
  disk {
    disk_id = virtplane_disk.root.id
  }
  nic {
    network_id = virtplane_network.nat.id
  }${cloudInit}
}
output "address" {
  value = virtplane_vm.guest.ip_addresses[0]
}
`;

const handName = `bench-${tag}-hand`;
const template = `${dir}/debian-12.template`;
try {
  await tf.writeConfig(tf.requiredProviders() + base);
  await tf.init();
  await tf.apply();

  // 1a. By hand.
  const hand = await bootByHand(handName, template, network);
  const handMs = hand.sshMs;
  await removeHandGuest(handName);

  // 1b. Through terraform.
  await tf.writeConfig(tf.requiredProviders() + base + guest);
  const tfStarted = performance.now();
  await tf.apply();
  const address = JSON.parse((await tf.run(['output', '-json'])).stdout).address.value;
  await waitForSsh(address);
  const tfMs = performance.now() - tfStarted;

  console.log(`template -> SSH-ready guest (TCG on kvm1), one boot each:`);
  console.log(`  by hand (qemu-img -b, seed, virsh define/start, lease, ssh):  ${seconds(handMs)}`);
  console.log(`  terraform apply (thin disk + VM with cloud_init, wait_for_ip) + ssh:  ${seconds(tfMs)}  (${(tfMs / handMs).toFixed(2)}x by hand)`);

  // 2. Thin clones of a small and a large base.
  const large = `${dir}/large.qcow2`;
  await exec(['qemu-img', 'create', '-q', '-f', 'qcow2', large, '200G']);
  const info = JSON.parse((await exec(['qemu-img', 'info', '-U', '--output=json', template])).stdout);
  const rows = [];
  for (const [label, path] of [
    [`small base (${Math.round(info['virtual-size'] / 2 ** 20)} MiB virtual)`, template],
    ['large base (200 GiB virtual)', large],
  ]) {
    const backend = [];
    const raw = [];
    for (let index = 0; index < CLONES; index++) {
      const target = `${dir}/clone-${index}.qcow2`;
      let started = performance.now();
      await createThinClone(host, path, 'qcow2', target);
      backend.push(performance.now() - started);
      await exec(['rm', '-f', target]);
      started = performance.now();
      await exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', path, target]);
      raw.push(performance.now() - started);
      await exec(['rm', '-f', target]);
    }
    rows.push(`  ${label}: backend median ${median(backend).toFixed(0)} ms, qemu-img over SSH median ${median(raw).toFixed(0)} ms (n=${CLONES})`);
  }
  console.log('thin clone:');
  for (const row of rows) console.log(row);

  // 3. The current image beside an older recipe's.
  if (BASELINE_IMAGE !== undefined) await compareImages();
} finally {
  await removeHandGuest(handName).catch(() => undefined);
  await exec(['sh', '-c', 'rm -f "$1"/large.qcow2 "$1"/clone-*.qcow2', 'sh', dir], { allowExitCodes: [0, 1] }).catch(() => undefined);
  await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], { allowFailure: true });
  await tf.cleanup();
  await pool.close();
}

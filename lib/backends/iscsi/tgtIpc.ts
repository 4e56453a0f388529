/**
 * Creating a CHAP account without the password on any command line.
 *
 * `tgtadm --mode account --op new --user U --password P` puts P in tgtadm's argv, which every local
 * user can read in /proc/PID/cmdline while it runs; tgt-admin ends up calling exactly that. tgtadm
 * only forwards a request over tgtd's Unix socket, so virtplane builds the same request itself (byte
 * for byte what tgtadm 1.0.85 sends: test/backends/iscsi/tgtIpc.test.ts compares them) and sends it
 * over SSH's stdin to a small relay that copies it to the socket. The relay's own argv holds only the
 * socket path.
 *
 * Layout (usr/tgtadm.h, tgt 1.0.85, little-endian, 120 bytes): mode u32, op u32, lld char[64],
 * len u32 (header + parameters), tid i32, sid u64, lun u64, cid u32, host_no u32, device_type u32,
 * ac_dir u32, pack u32, force u32; then "key=value,key=value" and a NUL. The answer: err u32,
 * len u32, then text.
 */

export const TGTADM_HEADER_SIZE = 120;

/** enum tgtadm_mode */
export const TgtMode = { system: 0, target: 1, device: 2, portal: 3, lld: 4, session: 5, connection: 6, account: 7 } as const;
/** enum tgtadm_op */
export const TgtOp = { new: 0, delete: 1, show: 2, bind: 3, unbind: 4, update: 5, stats: 6, start: 7, stop: 8 } as const;

interface TgtadmRequest {
  readonly mode: number;
  readonly op: number;
  readonly lld: string;
  /** tgtadm's default when no --tid is given: -1. */
  readonly tid?: number;
  readonly sid?: bigint;
  /** tgtadm's default when no --lun is given: UINT64_MAX. */
  readonly lun?: bigint;
  readonly cid?: number;
  readonly hostNo?: number;
  /** TYPE_DISK (0) by default. */
  readonly deviceType?: number;
  /** 0 incoming, 1 outgoing. */
  readonly accountDirection?: number;
  readonly force?: boolean;
  /** "key=value" pairs, joined with "," as tgtadm joins them. */
  readonly params?: readonly (readonly [string, string])[];
}

export function encodeTgtadmRequest(request: TgtadmRequest): Buffer {
  const params = (request.params ?? []).map(([key, value]) => `${key}=${value}`).join(',');
  const body = params.length === 0 ? Buffer.alloc(0) : Buffer.from(`${params}\0`, 'utf8');
  const header = Buffer.alloc(TGTADM_HEADER_SIZE);
  header.writeUInt32LE(request.mode, 0);
  header.writeUInt32LE(request.op, 4);
  const lld = Buffer.from(request.lld, 'utf8');
  if (lld.length >= 64) throw new RangeError('lld name too long');
  lld.copy(header, 8);
  header.writeUInt32LE(TGTADM_HEADER_SIZE + body.length, 72);
  header.writeInt32LE(request.tid ?? -1, 76);
  header.writeBigUInt64LE(request.sid ?? 0n, 80);
  header.writeBigUInt64LE(request.lun ?? 0xffff_ffff_ffff_ffffn, 88);
  header.writeUInt32LE(request.cid ?? 0, 96);
  header.writeUInt32LE(request.hostNo ?? 0, 100);
  header.writeUInt32LE(request.deviceType ?? 0, 104);
  header.writeUInt32LE(request.accountDirection ?? 0, 108);
  header.writeUInt32LE(0, 112);
  header.writeUInt32LE(request.force === true ? 1 : 0, 116);
  return Buffer.concat([header, body]);
}

/**
 * What `tgtadm --lld iscsi --mode account --op show` sends. Sent first, as a probe: a tgtd that does
 * not understand virtplane's header answers it with an error, and the relay stops before the request
 * that carries the password.
 */
export function accountShowRequest(): Buffer {
  return encodeTgtadmRequest({ mode: TgtMode.account, op: TgtOp.show, lld: 'iscsi' });
}

/** What `tgtadm --lld iscsi --mode account --op new --user U --password P` sends. Callers validate U and P. */
export function accountNewRequest(username: string, password: string): Buffer {
  return encodeTgtadmRequest({
    mode: TgtMode.account,
    op: TgtOp.new,
    lld: 'iscsi',
    params: [
      ['user', username],
      ['password', password],
    ],
  });
}

/**
 * Relays the requests found on stdin (each sized by its own header) to tgtd's socket, one connection
 * each, in order, and stops at the first one tgtd refuses. Prints "request N: err E" per request.
 * Exit 0: all accepted; 3: tgtd refused one; anything else: the relay could not talk to tgtd.
 * Perl is there wherever tgt is: tgt-admin is a Perl program.
 */
export const RELAY_SCRIPT = String.raw`
use strict;
use warnings;
use Socket;
binmode(STDIN);
die "virtplane: this host is big-endian; virtplane's tgtd requests are little-endian\n" if pack('L', 1) ne pack('V', 1);
my $path = shift @ARGV;
my $input = do { local $/; <STDIN> };
my ($offset, $index) = (0, 0);
while ($offset < length $input) {
  die "virtplane: truncated request\n" if $offset + 120 > length $input;
  my $len = unpack('V', substr($input, $offset + 72, 4));
  die "virtplane: malformed request\n" if $len < 120 || $offset + $len > length $input;
  socket(my $socket, AF_UNIX, SOCK_STREAM, 0) or die "virtplane: socket: $!\n";
  connect($socket, pack_sockaddr_un($path)) or die "virtplane: cannot connect to tgtd at $path: $!\n";
  my $request = substr($input, $offset, $len);
  $offset += $len;
  my $sent = 0;
  while ($sent < $len) {
    my $n = syswrite($socket, $request, $len - $sent, $sent);
    die "virtplane: write to tgtd: $!\n" unless defined $n;
    $sent += $n;
  }
  my $answer = '';
  while (1) {
    my $n = sysread($socket, $answer, 65536, length $answer);
    die "virtplane: read from tgtd: $!\n" unless defined $n;
    last if $n == 0;
    last if length($answer) >= 8 && length($answer) >= unpack('V', substr($answer, 4, 4));
  }
  close($socket);
  die "virtplane: tgtd closed the connection without answering\n" if length($answer) < 8;
  my ($err) = unpack('V', $answer);
  print "request $index: err $err\n";
  exit 3 if $err != 0;
  $index++;
}
`;

interface RelayOutcome {
  /** tgtd's error code for each request it answered, in order. */
  readonly errors: readonly number[];
}

export function parseRelayOutput(stdout: string): RelayOutcome {
  const errors: number[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^request (\d+): err (\d+)$/.exec(line.trim());
    if (match) errors.push(Number(match[2]));
  }
  return { errors };
}

/**
 * tgtadm's messages for tgtd's error codes (enum tgtadm_errno of tgt 1.0.85). Codes differ between
 * tgt versions, so an unknown code is reported as a number.
 */
const TGTADM_ERRORS_1_0_85: readonly string[] = [
  'success',
  'unknown error',
  'out of memory',
  "can't find the driver",
  "can't find the target",
  "can't find the logical unit",
  "can't find the session",
  "can't find the connection",
  "can't find the binding",
  'this target already exists',
  'this binding already exists',
  'this logical unit number already exists',
  'this access control rule already exists',
  'this access control rule does not exist',
  'this account already exists',
  "can't find the account",
  'too many accounts',
  'invalid request',
  'this target already has an outgoing account',
  'this target is still active',
  'this logical unit is still active',
  'this driver is busy',
  "this operation isn't supported",
  'unknown parameter',
  'this device has Prevent Removal set',
];

export function tgtadmErrorText(code: number): string {
  return TGTADM_ERRORS_1_0_85[code] ?? `tgtd error code ${code}`;
}

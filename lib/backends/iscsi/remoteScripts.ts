/**
 * The shell scripts virtplane runs on the storage server. Each is constant text: values reach it only
 * as quoted arguments (validated before) or over stdin, never spliced into the script.
 */

/**
 * Everything virtplane needs to know about the server, in one round trip. Arguments: a random
 * boundary, the configuration file, the state folder. Each section starts with a line
 * "<boundary> <name> <exit status>"; its content follows, ending with one newline.
 *
 * CHAP passwords do not leave the server: the configuration comes back with them cut off, plus a
 * SHA-256 of "<iqn>\n<password>" per target so that a changed password can be recognized. The
 * password only flows through awk's output, a pipe and shell builtins (read, printf): no argv.
 */
export const READ_SCRIPT = String.raw`
b=$1; conf=$2; state=$3
section() { printf '%s %s %s\n%s\n' "$b" "$1" "$2" "$3"; }
out=$(tgtadm --version 2>&1); section version $? "$out"
out=$(tgtadm --lld iscsi --mode target --op show 2>&1); section targets $? "$out"
out=$(tgtadm --lld iscsi --mode account --op show 2>&1); section accounts $? "$out"
if [ -f "$conf" ]; then
  out=$(awk '$1 == "incominguser" { print "\tincominguser " $2; next } { print }' "$conf" 2>&1); section conf $? "$out"
  out=$(awk '/^<target / { t = substr($2, 1, length($2) - 1) } $1 == "incominguser" { print t; print $3 }' "$conf" |
    while IFS= read -r t && IFS= read -r p; do
      d=$(printf '%s\n%s' "$t" "$p" | sha256sum | cut -d ' ' -f 1); printf '%s %s\n' "$t" "$d"
    done); section chap-digests 0 "$out"
  out=$(sed -n 's/^[[:space:]]*<backing-store \(.*\)>$/\1/p' "$conf" | while IFS= read -r p; do
      if [ -b "$p" ]; then s=$(blockdev --getsize64 "$p" 2>/dev/null) || s=unreadable
      elif [ -f "$p" ]; then s=$(stat -c %s -- "$p" 2>/dev/null) || s=unreadable
      elif [ -e "$p" ]; then s=unusable
      else s=missing; fi
      printf '%s\t%s\n' "$s" "$p"
    done); section sizes 0 "$out"
else
  section conf 1 ""
fi
out=$(find "$state" -mindepth 2 -maxdepth 2 -name 'lun-*.img' -printf '%s\t%p\n' 2>/dev/null); section files 0 "$out"
`;

/**
 * Replaces (put: the new block comes on stdin) or removes the `<target IQN>` block of the
 * configuration file. Atomic: a temporary file in the same folder (mktemp: mode 0600 from the
 * start, and not matched by tgt's "*.conf" include), flushed, then renamed over the file; a file
 * left without targets is removed. Serialized with flock against other virtplane processes (the lock
 * lives in LOCKDIR, normally /run/lock, else next to the file). Arguments: file, LOCKDIR, IQN,
 * put|remove, header lines.
 */
export const CONF_WRITE_SCRIPT = String.raw`
set -eu
conf=$1; lockdir=$2; iqn=$3; action=$4; shift 4
dir=$(dirname -- "$conf")
mkdir -p -- "$dir"
if [ -d "$lockdir" ]; then lock="$lockdir/virtplane-tgt-conf.lock"; else lock="$dir/.virtplane.conf.lock"; fi
exec 9>>"$lock"
flock -w 30 9
tmp=$(mktemp "$dir/.virtplane.conf.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
if [ -f "$conf" ]; then
  awk -v iqn="$iqn" '
    $0 == "<target " iqn ">" { skip = 1; next }
    skip && $0 == "</target>" { skip = 0; next }
    !skip { print }
  ' "$conf" > "$tmp"
else
  printf '%s\n' "$@" > "$tmp"
fi
if [ "$action" = put ]; then cat >> "$tmp"; fi
if ! grep -q '^<target ' "$tmp"; then rm -f -- "$conf"; exit 0; fi
chmod 600 -- "$tmp"
sync -- "$tmp" 2>/dev/null || sync
mv -f -- "$tmp" "$conf"
trap - EXIT
`;

/**
 * Creates sparse files for new LUNs (never over an existing file) and checks user-supplied backing
 * stores. Arguments: the target's folder, then triples "create PATH BYTES" or "check PATH -".
 * Prints "created PATH" for each file it made, so a failure can be undone exactly.
 */
export const PREPARE_FILES_SCRIPT = String.raw`
set -eu
dir=$1; shift
while [ "$#" -ge 3 ]; do
  kind=$1; path=$2; bytes=$3; shift 3
  case "$kind" in
    create)
      mkdir -p -m 0700 -- "$dir"
      if ! (set -C; umask 077; : > "$path") 2>/dev/null; then echo "virtplane: $path already exists" >&2; exit 4; fi
      echo "created $path"
      truncate -s "$bytes" -- "$path"
      ;;
    check)
      if [ -d "$path" ]; then echo "virtplane: $path is a directory" >&2; exit 5; fi
      if [ ! -e "$path" ]; then echo "virtplane: $path does not exist" >&2; exit 6; fi
      if [ ! -f "$path" ] && [ ! -b "$path" ]; then echo "virtplane: $path is neither a file nor a block device" >&2; exit 5; fi
      ;;
    *) echo "virtplane: unknown action $kind" >&2; exit 2 ;;
  esac
done
`;

export const PREPARE_EXIT = { exists: 4, unusable: 5, missing: 6 } as const;

/**
 * Runs a batch of commands against one target, after checking that the target still has the tid
 * virtplane read (tgt-admin renumbers tids when tgtd restarts: acting on a stale tid could hit
 * another target). Arguments: tid, IQN, then for each command its word count and its words. Prints
 * "done N" after each command; stops at the first failure.
 *
 * The words are picked from the positional parameters with eval of "${1}" "${2}"...: the evaluated
 * text is made of digits only, the values themselves are never parsed by the shell.
 */
export const GUARDED_BATCH_SCRIPT = String.raw`
set -u
tid=$1; iqn=$2; shift 2
if ! tgtadm --lld iscsi --mode target --op show | grep -Fqx "Target $tid: $iqn"; then
  echo "virtplane: tid $tid is no longer target $iqn (was tgtd restarted?)" >&2
  exit 75
fi
step=0
while [ "$#" -gt 0 ]; do
  n=$1; shift
  words=''; i=1
  while [ "$i" -le "$n" ]; do words="$words \"\${$i}\""; i=$((i + 1)); done
  if ! eval "$words"; then echo "virtplane: step $step failed" >&2; exit 76; fi
  shift "$n"
  echo "done $step"
  step=$((step + 1))
done
`;

export const GUARD_EXIT = { staleTid: 75, stepFailed: 76 } as const;

/** Grows a file to BYTES; refuses to shrink it. Arguments: path, bytes. Exit 4 on shrink. */
export const GROW_FILE_SCRIPT = String.raw`
set -eu
current=$(stat -c %s -- "$1")
if [ "$current" -gt "$2" ]; then echo "virtplane: $1 is $current bytes, refusing to shrink it to $2" >&2; exit 4; fi
truncate -s "$2" -- "$1"
`;

/**
 * Removes virtplane's files of a target, then its folder and virtplane's iSCSI folder when they are
 * empty. Arguments: the folder, then the files (the caller passes only files virtplane created).
 */
export const REMOVE_FILES_SCRIPT = String.raw`
set -eu
dir=$1; shift
rm -f -- "$@"
rmdir -- "$dir" 2>/dev/null && rmdir -- "$(dirname -- "$dir")" 2>/dev/null || true
`;

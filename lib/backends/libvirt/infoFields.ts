/** `virsh net-info` / `pool-info` print "Key:   value" lines; this reads them. */
export function infoFields(stdout: string): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

export function yesNo(value: string | undefined): boolean {
  return value === 'yes';
}

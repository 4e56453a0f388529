// What the benchmarks on the lab share to lay out one Terraform command from its TRACE log (--timeline).

/** A remote command's kind, for tables and timelines: `virsh define`, `sh (script)`. */
export function commandKind(commandLine) {
  const words = commandLine.split(' ').map((word) => word.replace(/^'|'$/g, ''));
  const virsh = words.indexOf('virsh');
  if (virsh >= 0) return `virsh ${words.slice(virsh + 1).find((word) => !word.startsWith('-') && !word.includes(':')) ?? ''}`;
  if (words[0] === 'sh' && words[1] === '-s') return 'sh (script)';
  return words.slice(0, 2).join(' ');
}

/**
 * A Terraform command (`what`: apply, plan) as a timeline, from its TRACE log: each provider process's start, its
 * first call of each kind, its inventory opens and closes, its SSH connections and the first remote
 * command of each kind, in seconds from Terraform's first line. Remote commands are placed at their
 * start (the log line's time less the command's run time).
 */
export function printTimeline(log, what) {
  const events = [];
  let origin;
  let process = 0;
  const seen = new Set();
  const once = (key, at, what) => {
    if (seen.has(`${process} ${key}`)) return;
    seen.add(`${process} ${key}`);
    events.push({ at, what: `P${process} ${what}` });
  };
  for (const line of log.split('\n')) {
    const stamp = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) /.exec(line);
    if (!stamp) continue;
    const at = Date.parse(stamp[1]);
    origin ??= at;
    const provider = /virtplane: (.*?)(?::\s+((?:\w+=\S*\s*)+))?$/.exec(line);
    if (/provider: starting plugin: .*virtplane/.test(line)) {
      process += 1;
      events.push({ at, what: `P${process} provider process starts` });
    } else if (/provider: plugin process exited: .*virtplane/.test(line)) {
      events.push({ at, what: `P${process} provider process exited` });
    } else if (/GRPCProvider.v6: (\w+)$/.test(line)) {
      const call = /GRPCProvider.v6: (\w+)$/.exec(line)[1];
      if (call !== 'GetProviderSchema' || !seen.has(`${process} GetProviderSchema`)) once(call, at, `first ${call}`);
    } else if (provider && /^(inventory |connected to )/.test(provider[1])) {
      events.push({
        at: fieldTime(provider[2]) ?? at,
        what: `P${process} ${provider[1]}${provider[2]?.includes('open_ms') ? ` (${/open_ms=(\d+)/.exec(provider[2])[1]} ms)` : ''}`,
      });
    } else if (provider && provider[1].startsWith('ran on ')) {
      const fields = Object.fromEntries(
        (provider[2] ?? '')
          .trim()
          .split(/\s+/)
          .map((pair) => pair.split('=')),
      );
      const ended = fieldTime(provider[2]) ?? at;
      const kind = commandKind(/ran on \S+: (.*)$/.exec(provider[1])[1]);
      once(`ran ${kind}`, ended - Number(fields.ran_ms), `first ${kind} (${fields.host}, waited ${fields.waited_ms} ms, ran ${fields.ran_ms} ms)`);
    } else if (/Apply complete!|apply: .*complete/i.test(line)) {
      events.push({ at, what: 'apply complete' });
    }
  }
  console.log(`\ntimeline of the ${what} (s from terraform's first log line; TF_LOG=TRACE slows it)`);
  for (const event of events.sort((a, b) => a.at - b.at)) console.log(`${((event.at - origin) / 1000).toFixed(3).padStart(7)}  ${event.what}`);
}

/** The provider's own timestamp among a line's fields (Terraform's is when go-plugin read the line). */
function fieldTime(fields) {
  const found = /timestamp=(\S+)/.exec(fields ?? '');
  return found ? Date.parse(found[1]) : undefined;
}

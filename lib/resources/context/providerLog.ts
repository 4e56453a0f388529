/**
 * The provider's own lines in Terraform's log. go-plugin reads the provider's stderr: a line of hclog JSON
 * goes to Terraform's log at its level, with its extra fields as key-value pairs (a plain line would only
 * show at DEBUG, unstructured). Never attribute values here: they may be secrets.
 */
import { quoteArgv, type RemoteCommandEnded, type SshConnected } from '../../backends/ssh/index.js';
import { terraformLogsDebug } from '../../util/terraformLogLevel.js';

type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export function logLine(level: LogLevel, message: string, fields: Readonly<Record<string, string | number>> = {}): void {
  process.stderr.write(`${hclogJson(level, message, fields, new Date())}\n`);
}

/**
 * One line as go-plugin parses it. Its timestamp has exactly six fractional digits: go-plugin reads it
 * with Go's layout "2006-01-02T15:04:05.000000Z07:00", and a line whose timestamp does not parse (an ISO
 * string's three digits) is passed on as raw text at DEBUG, its level and fields lost.
 */
export function hclogJson(level: LogLevel, message: string, fields: Readonly<Record<string, string | number>>, at: Date): string {
  const timestamp = at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return JSON.stringify({ '@level': level, '@message': `virtplane: ${message}`, '@timestamp': timestamp, ...fields });
}

/** The longest command line a log line shows (a long one is cut, and says so). */
const LOGGED_COMMAND_CHARS = 300;

/**
 * Every remote command as a debug line (host, command line, time waited for a channel and time run)
 * when Terraform's provider log is at DEBUG or TRACE (TF_LOG_PROVIDER, else TF_LOG), so that a slow apply
 * can be read command by command; undefined otherwise, and nothing is formatted.
 */
export function remoteCommandLog(env: NodeJS.ProcessEnv = process.env): ((ended: RemoteCommandEnded) => void) | undefined {
  if (!terraformLogsDebug(env)) return undefined;
  return (ended) => {
    const line = quoteArgv(ended.argv);
    const command = line.length > LOGGED_COMMAND_CHARS ? `${line.slice(0, LOGGED_COMMAND_CHARS)}... (${line.length} characters)` : line;
    logLine('debug', `ran on ${ended.host}: ${command}`, {
      host: ended.host,
      program: ended.argv[0] ?? '',
      waited_ms: Math.round(ended.waitedMs),
      ran_ms: Math.round(ended.ranMs),
      exit_code: ended.exitCode ?? 'none',
    });
  };
}

/** Every SSH connection's set-up time as a debug line, on the same terms as remoteCommandLog. */
export function sshConnectLog(env: NodeJS.ProcessEnv = process.env): ((connected: SshConnected) => void) | undefined {
  if (!terraformLogsDebug(env)) return undefined;
  return (connected) =>
    logLine('debug', `connected to ${connected.host} in ${Math.round(connected.connectMs)} ms`, {
      host: connected.host,
      connect_ms: Math.round(connected.connectMs),
    });
}

/**
 * The inventory's opens and closes as debug lines, on the same terms as remoteCommandLog: where an
 * apply's time goes between a provider process's start and its first remote command.
 */
export function inventoryLog(env: NodeJS.ProcessEnv = process.env): ((event: string, fields?: Readonly<Record<string, string | number>>) => void) | undefined {
  if (!terraformLogsDebug(env)) return undefined;
  return (event, fields = {}) => logLine('debug', `inventory ${event}`, fields);
}

/**
 * The provider's log. Only stderr: stdout carries the go-plugin handshake. Terraform shows
 * these lines with TF_LOG=debug. Never log attribute values: they may be secrets.
 */
import { terraformLogsDebug } from '../util/terraformLogLevel.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Debug lines only when Terraform keeps them (terraformLogsDebug): one per RPC otherwise costs CPU for nothing. */
export function stderrLogger(name = 'virtplane', env: NodeJS.ProcessEnv = process.env): Logger {
  const write = (level: string, message: string): void => {
    process.stderr.write(`${new Date().toISOString()} [${level}] ${name}: ${message}\n`);
  };
  const debug = terraformLogsDebug(env);
  return {
    debug: debug ? (message) => write('DEBUG', message) : () => {},
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    error: (message) => write('ERROR', message),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

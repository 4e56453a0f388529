/**
 * Whether Terraform keeps a provider's debug lines: its provider log (TF_LOG_PROVIDER, else TF_LOG) at
 * DEBUG, TRACE or JSON. Otherwise go-plugin reads every line the provider writes to stderr only to drop
 * it, and a plan of hundreds of resources spent a measurable share of its CPU writing them.
 */
export function terraformLogsDebug(env: NodeJS.ProcessEnv = process.env): boolean {
  const level = (env.TF_LOG_PROVIDER ?? env.TF_LOG ?? '').toUpperCase();
  return level === 'DEBUG' || level === 'TRACE' || level === 'JSON';
}

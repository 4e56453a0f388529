/**
 * Progress lines of a long operation (an image copy, a wait for a guest's address): on the provider's
 * stderr as hclog JSON, which go-plugin hands to Terraform's log at their level (TF_LOG_PROVIDER=INFO
 * shows them; a plain line would only show at DEBUG). Never attribute values: they may be secrets.
 */
export function progress(message: string): void {
  process.stderr.write(`${JSON.stringify({ '@level': 'info', '@message': `virtplane: ${message}`, '@timestamp': new Date().toISOString() })}\n`);
}

/**
 * Progress lines of a long operation (an image copy, a wait for a guest's address): on the provider's
 * stderr, which Terraform shows in its log (TF_LOG=info). Never attribute values: they may be secrets.
 */
export function progress(message: string): void {
  process.stderr.write(`${new Date().toISOString()} [INFO] virtplane: ${message}\n`);
}

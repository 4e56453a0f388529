/**
 * Progress lines of a long operation (an image copy, a wait for a guest's address): INFO lines in
 * Terraform's log (TF_LOG_PROVIDER=INFO shows them). Never attribute values: they may be secrets.
 */
import { logLine } from '../context/index.js';

export function progress(message: string): void {
  logLine('info', message);
}

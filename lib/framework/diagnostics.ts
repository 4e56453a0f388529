import type { AttributePath } from './attributePath.js';

export type Severity = 'error' | 'warning';

/**
 * What the provider tells the user: a title-like summary, a detail that says the cause and what
 * to do, and the attribute it is about when there is one.
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly summary: string;
  readonly detail: string;
  readonly path?: AttributePath;
}

export function errorDiagnostic(summary: string, detail: string, path?: AttributePath): Diagnostic {
  return path === undefined ? { severity: 'error', summary, detail } : { severity: 'error', summary, detail, path };
}

export function warningDiagnostic(summary: string, detail: string, path?: AttributePath): Diagnostic {
  return path === undefined ? { severity: 'warning', summary, detail } : { severity: 'warning', summary, detail, path };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

/**
 * Throw this from an operation to report a diagnostic (optionally about one attribute) instead
 * of a generic failure.
 */
export class DiagnosticError extends Error {
  readonly summary: string;
  readonly detail: string;
  readonly path: AttributePath | undefined;

  constructor(summary: string, detail: string, path?: AttributePath, options?: { readonly cause?: unknown }) {
    super(`${summary}: ${detail}`, options);
    this.name = 'DiagnosticError';
    this.summary = summary;
    this.detail = detail;
    this.path = path;
  }

  toDiagnostic(): Diagnostic {
    return errorDiagnostic(this.summary, this.detail, this.path);
  }
}

/** Several diagnostics at once, e.g. every invalid attribute found by a custom validation. */
export class DiagnosticsError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((diagnostic) => diagnostic.summary).join('; '));
    this.name = 'DiagnosticsError';
    this.diagnostics = diagnostics;
  }
}

/** An operation stopped because Terraform asked the provider to stop (Ctrl-C). */
export class OperationCancelledError extends Error {
  constructor(message = 'The operation was cancelled because Terraform asked the provider to stop.') {
    super(message);
    this.name = 'OperationCancelledError';
  }
}

/**
 * Turns anything an operation threw into diagnostics. Unknown errors keep their message as
 * the detail; the summary says which operation failed.
 */
export function diagnosticsFromError(error: unknown, failedOperation: string): Diagnostic[] {
  if (error instanceof DiagnosticError) return [error.toDiagnostic()];
  if (error instanceof DiagnosticsError) return [...error.diagnostics];
  if (error instanceof OperationCancelledError || (error instanceof Error && error.name === 'AbortError')) {
    return [
      errorDiagnostic(
        'Operation cancelled',
        `${failedOperation}: Terraform asked the provider to stop (for example after Ctrl-C) before the operation finished. Run the command again to continue.`,
      ),
    ];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [errorDiagnostic(failedOperation, message)];
}

/**
 * What went wrong, in one line, for a message that wraps the error (a PartialApplyError's, whose own
 * diagnostic would otherwise say only what was left): each diagnostic's summary and detail.
 */
export function reasonOf(error: unknown, failedOperation: string): string {
  return diagnosticsFromError(error, failedOperation)
    .map((diagnostic) => `${diagnostic.summary}: ${diagnostic.detail}`)
    .join('; ');
}

/**
 * Thrown by create or update when the operation failed half way and something now exists:
 * the state it carries is saved (a failed create is then tainted), so nothing is orphaned.
 */
export class PartialApplyError extends Error {
  readonly state: { readonly [key: string]: unknown };

  constructor(message: string, state: { readonly [key: string]: unknown }, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'PartialApplyError';
    this.state = state;
  }
}

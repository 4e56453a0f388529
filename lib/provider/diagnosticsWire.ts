import type { AttributePath } from '../framework/attributePath.js';
import type { Diagnostic } from '../framework/diagnostics.js';
import type { WireAttributePath, WireDiagnostic } from './wireTypes.js';

export function pathToWire(path: AttributePath): WireAttributePath {
  return {
    steps: path.map((step) => {
      if (typeof step === 'string') return { attribute_name: step };
      if (typeof step === 'number') return { element_key_int: step };
      return { element_key_string: step.key };
    }),
  };
}

function diagnosticToWire(diagnostic: Diagnostic): WireDiagnostic {
  const wire: WireDiagnostic = {
    severity: diagnostic.severity === 'error' ? 'ERROR' : 'WARNING',
    summary: diagnostic.summary,
    detail: diagnostic.detail,
  };
  return diagnostic.path === undefined || diagnostic.path.length === 0 ? wire : { ...wire, attribute: pathToWire(diagnostic.path) };
}

export function diagnosticsToWire(diagnostics: readonly Diagnostic[]): WireDiagnostic[] {
  return diagnostics.map(diagnosticToWire);
}

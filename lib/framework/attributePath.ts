/**
 * Where in a resource's value something is: a string step names an attribute or block, a number
 * indexes a list (or set, by position), { key } selects a map element.
 */
export type PathStep = string | number | { readonly key: string };
export type AttributePath = readonly PathStep[];

/** Renders a path the way Terraform users write it: disk[0].size_mib, labels["env"]. */
export function formatPath(path: AttributePath): string {
  let text = '';
  for (const step of path) {
    if (typeof step === 'string') text += text === '' ? step : `.${step}`;
    else if (typeof step === 'number') text += `[${step}]`;
    else text += `[${JSON.stringify(step.key)}]`;
  }
  return text;
}

export function pathsEqual(a: AttributePath, b: AttributePath): boolean {
  return a.length === b.length && a.every((step, index) => stepsEqual(step, b[index] as PathStep));
}

function stepsEqual(a: PathStep, b: PathStep): boolean {
  if (typeof a === 'object' && typeof b === 'object') return a.key === b.key;
  return a === b;
}

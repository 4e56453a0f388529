import { runDoctor } from './doctor.js';

export async function doctorCommand(_argv: readonly string[]): Promise<number> {
  const checks = await runDoctor();
  for (const check of checks) {
    const mark = check.ok ? 'ok  ' : check.warningOnly ? 'warn' : 'FAIL';
    process.stdout.write(`${mark}  ${check.name.padEnd(16)} ${check.detail}\n`);
    if (!check.ok && check.fix) process.stdout.write(`      ${''.padEnd(16)} fix: ${check.fix}\n`);
  }
  const failed = checks.filter((check) => !check.ok && !check.warningOnly);
  process.stdout.write(failed.length === 0 ? 'this machine has what virtplane needs\n' : `${failed.length} problem(s) to fix\n`);
  return failed.length === 0 ? 0 : 1;
}

/** Runs `check()` steps in order and turns failures into doctor lines; never throws. */
import { isProviderError } from './errors.ts';
import type { CheckResult } from './provider.ts';

export interface CheckStep {
  name: string;
  /** Resolves with the detail of a passing check, or a full result when the step judges itself. */
  run: () => Promise<string | CheckResult>;
}

export async function runChecks(steps: CheckStep[]): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const step of steps) {
    try {
      const r = await step.run();
      out.push(typeof r === 'string' ? { name: step.name, ok: true, detail: r, hint: '' } : r);
      if (typeof r !== 'string' && !r.ok && step.name === 'connectivity') break;
    } catch (e) {
      if (!isProviderError(e)) {
        out.push({ name: step.name, ok: false, detail: (e as Error).message, hint: 'report this as a bug' });
        break;
      }
      const name =
        e.kind === 'auth'
          ? 'credentials'
          : e.kind === 'permission'
            ? 'permissions'
            : e.kind === 'unavailable' || e.kind === 'timeout'
              ? 'connectivity'
              : step.name;
      out.push({ name, ok: false, detail: e.message.replace(/\. To fix: .*$/s, ''), hint: e.hint });
      // Without a connection or valid credentials the remaining steps can only repeat the same failure.
      if (e.kind !== 'permission' && e.kind !== 'bad-query') break;
    }
  }
  return out;
}

// After vitest's totals, says why tests were skipped: a suite that needs a server or a browser it
// cannot find is skipped off CI with the reason in its name (`... (skipped: no Chromium ...)`),
// and a green run that skipped them should say so where the totals are, not 600 lines up.
import type { Reporter, TestModule } from 'vitest/node';

/** The reason in a suite's name, up to the parenthesis that closes it (before ` > ` or the end). */
const REASON = /\(skipped: (.*?)\)(?: > |$)/;

export default class SkipReasonsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const reasons = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? result.note : undefined;
        const reason = REASON.exec(test.fullName)?.[1] ?? note ?? 'it.skip or it.todo';
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
    if (reasons.size === 0) return;
    const lines = [...reasons].map(
      ([reason, n]) => `   ${String(n).padStart(4)} skipped: ${reason}`,
    );
    process.stdout.write(` Why skipped\n${lines.join('\n')}\n\n`);
  }
}

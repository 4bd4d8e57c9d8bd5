/**
 * Test suites as the harness counts them: a suite is the directory of a test file
 * (tests/vm/runtime, tests/adversarial/vm, ...). The reporter prints one line per suite;
 * the harness reads them back and fails a suite that ran no test.
 */
import { dirname, relative } from "node:path";

export interface SuiteTally {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
}

/** tests/vm/runtime for dist/tests/vm/runtime/panics.test.js (absolute or relative to `root`). */
export function suiteOf(file: string, root: string): string {
  const rel = relative(root, file.replace(/^file:\/\//, "")).replace(/^dist\//, "");
  return dirname(rel);
}

export function formatSuiteLine(t: SuiteTally): string {
  return `== suite ${t.suite}: ${t.passed + t.failed} ran (${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped)`;
}

/** The suite lines of a run's output (the last line wins for a suite printed twice). */
export function parseSuiteLines(output: string): Map<string, SuiteTally> {
  const out = new Map<string, SuiteTally>();
  const re = /^== suite (\S+): \d+ ran \((\d+) passed, (\d+) failed, (\d+) skipped\)\r?$/gm;
  for (const m of output.matchAll(re))
    out.set(m[1], { suite: m[1], passed: Number(m[2]), failed: Number(m[3]), skipped: Number(m[4]) });
  return out;
}

/**
 * For every suite expected to run (the directories of the files given to the runner), its
 * tally, or a tally of nothing when the output has no line for it; and the suites that
 * ran no test.
 */
export function checkSuites(expected: string[], output: string): { tallies: SuiteTally[]; empty: string[] } {
  const seen = parseSuiteLines(output);
  const tallies = [...new Set(expected)]
    .sort()
    .map((s) => seen.get(s) ?? { suite: s, passed: 0, failed: 0, skipped: 0 });
  return { tallies, empty: tallies.filter((t) => t.passed + t.failed === 0).map((t) => t.suite) };
}

/**
 * A node:test reporter run beside `spec`: at the end it prints one line per suite (the
 * directory of a test file) saying how many of its tests ran, so the harness can fail a
 * suite that ran none (every test skipped, or the file never loaded).
 */
import type { TestEvent } from "node:test/reporters";
import { formatSuiteLine, suiteOf, type SuiteTally } from "./suites.js";

export default async function* suiteReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const suites = new Map<string, SuiteTally>();
  const tally = (file: string | undefined): SuiteTally => {
    const name = suiteOf(file ?? "<unknown>", process.cwd());
    let t = suites.get(name);
    if (!t) suites.set(name, (t = { suite: name, passed: 0, failed: 0, skipped: 0 }));
    return t;
  };
  for await (const e of source) {
    if (e.type !== "test:pass" && e.type !== "test:fail") continue;
    if (e.data.details.type === "suite") continue;
    const t = tally(e.data.file);
    if (e.data.skip !== undefined || e.data.todo !== undefined) t.skipped++;
    else if (e.type === "test:pass") t.passed++;
    else t.failed++;
  }
  for (const t of [...suites.values()].sort((a, b) => a.suite.localeCompare(b.suite)))
    yield `${formatSuiteLine(t)}\n`;
}

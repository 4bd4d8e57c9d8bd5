/**
 * A node:test reporter run beside `spec`: one line per suite (the directory of a test
 * file) saying how many of its tests ran, so the harness can fail a suite that ran none
 * (every test skipped, or the file never loaded). A suite's line comes when the next suite
 * starts (the last one's at the end), so a run cut short (a VM timeout) still tells what
 * ran. A suite whose files do not run together gets a line each time, the count so far:
 * the harness reads the last.
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
  let last: SuiteTally | undefined;
  for await (const e of source) {
    if (e.type !== "test:pass" && e.type !== "test:fail") continue;
    if (e.data.details.type === "suite") continue;
    const t = tally(e.data.file);
    if (last && last !== t) yield `${formatSuiteLine(last)}\n`;
    last = t;
    if (e.data.skip !== undefined || e.data.todo !== undefined) t.skipped++;
    else if (e.type === "test:pass") t.passed++;
    else t.failed++;
  }
  if (last) yield `${formatSuiteLine(last)}\n`;
}

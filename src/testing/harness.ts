/**
 * The test command's engine. One prepare step builds every input the tests need
 * (src/testing/inputs.ts); then host tests (tests/host, node:test) run; they may boot VMs
 * of their own for what must be seen from outside (exit codes, panics, timeouts). Then the
 * in-VM tests (tests/vm) run together in one boot of the project's kernel, each suite's
 * count of tests that ran is printed, and a suite that ran none fails the run. The run
 * ends with one "N passed, N failed" line over both.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../env/paths.js";
import { runVm, reportVmResult } from "../env/vm.js";
import { prepareTestInputs } from "./inputs.js";
import { checkSuites, formatSuiteLine, suiteOf } from "./suites.js";

export interface TestRunOptions {
  hostOnly?: boolean;
  vmOnly?: boolean;
  filter?: string;
  /** Kernel flavour for the in-VM tests (e.g. "debug": KASAN, lockdep, kmemleak). */
  flavour?: string;
  /** Only build the tests' inputs (for running test files by hand afterwards). */
  prepareOnly?: boolean;
}

/** Compiled test files under dist/tests/<kind> and the adversarial suite's dist/tests/adversarial/<kind>. */
export function testFiles(kind: "host" | "vm", filter?: string): string[] {
  return [join("dist", "tests", kind), join("dist", "tests", "adversarial", kind)]
    .map((d) => join(repoRoot, d))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir, { withFileTypes: true, recursive: true }))
    .filter((e) => e.isFile() && e.name.endsWith(".test.js"))
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)))
    .filter((f) => !filter || f.includes(filter))
    .sort();
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** Reads node's spec reporter summary ("ℹ pass 3", "ℹ fail 0", "ℹ skipped 1"). */
export function tallyOf(output: string): Tally {
  const num = (label: string) => {
    const m = [...output.matchAll(new RegExp(`^\\S*\\s*${label} (\\d+)\\s*$`, "gm"))].pop();
    return m ? Number(m[1]) : 0;
  };
  return { passed: num("pass"), failed: num("fail"), skipped: num("skipped") };
}

function sumTallies(ts: Tally[]): Tally {
  return ts.reduce(
    (a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed, skipped: a.skipped + t.skipped }),
    {
      passed: 0,
      failed: 0,
      skipped: 0,
    },
  );
}

const nodeTestArgs = [
  "--test",
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  // one "== suite DIR: N ran" line per suite at the end (src/testing/reporter.ts)
  `--test-reporter=${join(repoRoot, "dist", "src", "testing", "reporter.js")}`,
  "--test-reporter-destination=stdout",
  "--test-concurrency=1",
];

function runHostTests(files: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeTestArgs, ...files], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString("utf8");
      process.stdout.write(d);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function runAllTests(opts: TestRunOptions): Promise<number> {
  process.stdout.write("== preparing the tests' inputs\n");
  await prepareTestInputs({ flavour: opts.flavour, log: (l) => process.stdout.write(`${l}\n`) });
  if (opts.prepareOnly) return 0;
  const total: Tally = { passed: 0, failed: 0, skipped: 0 };
  const add = (t: Tally) => {
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
  };
  let bad = false;
  if (!opts.vmOnly) {
    const files = testFiles("host", opts.filter);
    process.stdout.write(`== host tests (${files.length} files)\n`);
    if (files.length) {
      const r = await runHostTests(files);
      const t = tallyOf(r.output);
      add(t);
      if (r.code !== 0 && t.failed === 0) bad = true;
    }
  }
  if (!opts.hostOnly) {
    const files = testFiles("vm", opts.filter);
    process.stdout.write(`== in-VM tests (${files.length} files, one boot)\n`);
    if (files.length) {
      // the prepare step built the kernel of this flavour
      const r = await runVm(["node", ...nodeTestArgs, ...files], {
        smp: 2,
        memMiB: 2048,
        timeoutSec: 3600,
        cwd: repoRoot,
        output: "tee",
        flavour: opts.flavour,
      });
      const suites = checkSuites(
        files.map((f) => suiteOf(f, repoRoot)),
        r.output,
      );
      // a run cut short (timeout, panic) prints no summary: count what the suites' lines say
      const summary = tallyOf(r.output);
      const t = summary.passed + summary.failed + summary.skipped ? summary : sumTallies(suites.tallies);
      add(t);
      if (reportVmResult(r, 3600) !== 0 && t.failed === 0) {
        process.stdout.write("in-VM tests: the VM run failed (see above)\n");
        bad = true;
        total.failed++;
      }
      process.stdout.write("\nin-VM tests per suite:\n");
      for (const s of suites.tallies) process.stdout.write(`${formatSuiteLine(s)}\n`);
      for (const s of suites.empty) {
        process.stdout.write(`in-VM suite ${s} ran no test: counted as a failure\n`);
        total.failed++;
      }
    }
  }
  process.stdout.write(
    `\ntests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}\n`,
  );
  return total.failed || bad ? 1 : 0;
}

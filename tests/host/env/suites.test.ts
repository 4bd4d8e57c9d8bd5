// The harness's count of tests per suite: the reporter's lines, read back, and a suite
// that ran no test (all skipped, or no line at all) found as empty.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { checkSuites, suiteOf } from "../../../src/testing/suites.js";

test("a suite is the directory of its test file, without dist/", () => {
  assert.equal(suiteOf(join(repoRoot, "dist/tests/vm/runtime/panics.test.js"), repoRoot), "tests/vm/runtime");
  assert.equal(suiteOf("dist/tests/adversarial/vm/kernel.test.js", "."), "tests/adversarial/vm");
  assert.equal(suiteOf(`file://${repoRoot}/dist/tests/vm/loader/maps.test.js`, repoRoot), "tests/vm/loader");
});

test("the reporter counts what ran per suite; a suite of skips or without a line is empty", () => {
  const dir = mkdtempSync(join(tmpdir(), "iu-suites-"));
  for (const d of ["a", "b"]) mkdirSync(join(dir, "dist", "tests", "vm", d), { recursive: true });
  writeFileSync(
    join(dir, "dist/tests/vm/a/x.test.mjs"),
    `import { test } from "node:test";
test("one", () => {});
test("two", { skip: "why" }, () => {});
test("parent", async (t) => { await t.test("child", () => {}); });
test("bad", () => { throw new Error("no"); });
`,
  );
  writeFileSync(
    join(dir, "dist/tests/vm/b/y.test.mjs"),
    `import { test } from "node:test";\ntest("s", { skip: "no input" }, () => {});\n`,
  );
  const reporter = join(repoRoot, "dist", "src", "testing", "reporter.js");
  const r = spawnSync(
    process.execPath,
    [
      "--test",
      `--test-reporter=${reporter}`,
      "--test-reporter-destination=stdout",
      "dist/tests/vm/a/x.test.mjs",
      "dist/tests/vm/b/y.test.mjs",
    ],
    // a nested runner with NODE_TEST_CONTEXT set would report to this one instead
    { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
  assert.match(r.stdout, /^== suite tests\/vm\/a: 4 ran \(3 passed, 1 failed, 1 skipped\)$/m);
  assert.match(r.stdout, /^== suite tests\/vm\/b: 0 ran \(0 passed, 0 failed, 1 skipped\)$/m);
  const c = checkSuites(["tests/vm/a", "tests/vm/b", "tests/vm/c", "tests/vm/a"], r.stdout);
  assert.deepEqual(
    c.tallies.map((t) => [t.suite, t.passed, t.failed, t.skipped]),
    [
      ["tests/vm/a", 3, 1, 1],
      ["tests/vm/b", 0, 0, 1],
      ["tests/vm/c", 0, 0, 0],
    ],
  );
  assert.deepEqual(c.empty, ["tests/vm/b", "tests/vm/c"]);
});

test("a run cut short still tells what its finished suites ran; the unfinished one is empty", () => {
  const dir = mkdtempSync(join(tmpdir(), "iu-suites-"));
  for (const d of ["a", "b"]) mkdirSync(join(dir, "dist", "tests", "vm", d), { recursive: true });
  writeFileSync(
    join(dir, "dist/tests/vm/a/x.test.mjs"),
    `import { test } from "node:test";\ntest("one", () => {});\ntest("two", () => {});\n`,
  );
  writeFileSync(
    join(dir, "dist/tests/vm/b/y.test.mjs"),
    `import { test } from "node:test";
test("quick", () => {});
test("hangs", () => new Promise(() => setInterval(() => {}, 1000)));
`,
  );
  const reporter = join(repoRoot, "dist", "src", "testing", "reporter.js");
  const r = spawnSync(
    process.execPath,
    [
      "--test",
      "--test-concurrency=1",
      `--test-reporter=${reporter}`,
      "--test-reporter-destination=stdout",
      "dist/tests/vm/a/x.test.mjs",
      "dist/tests/vm/b/y.test.mjs",
    ],
    // killed as a VM's QEMU is at its timeout: no summary, no reporter's end
    {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
      timeout: 8000,
      killSignal: "SIGKILL",
    },
  );
  assert.equal(r.signal, "SIGKILL", "the run was to be cut short");
  const c = checkSuites(["tests/vm/a", "tests/vm/b"], r.stdout);
  assert.deepEqual(
    c.tallies.map((t) => [t.suite, t.passed, t.failed]),
    [
      ["tests/vm/a", 2, 0],
      ["tests/vm/b", 0, 0],
    ],
    r.stdout,
  );
  assert.deepEqual(c.empty, ["tests/vm/b"], "the suite that did not finish counts as empty");
});

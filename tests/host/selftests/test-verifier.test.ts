// "Do not break eBPF": the kernel's own test_verifier gives the same results on the patched
// kernel as on the unpatched one (baseline in tests/selftests/baseline/).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  runSelftests,
  readBaseline,
  compareWithBaseline,
  parseVerifierOutput,
} from "../../../src/testing/selftests.js";

test("test_verifier output is parsed into failures and a summary", () => {
  const r = parseVerifierOutput(
    [
      "#0/u invalid and of negative number OK",
      "#118/p calls: invalid kfunc call: ptr_to_mem to struct with non-scalar FAIL",
      "Failed to load prog 'Invalid argument'!",
      "FAIL",
      "#119/p calls: something SKIP",
      "Summary: 1 PASSED, 1 SKIPPED, 1 FAILED",
    ].join("\n"),
  );
  assert.deepEqual(r.failed, ["#118/p calls: invalid kfunc call: ptr_to_mem to struct with non-scalar"]);
  assert.equal(r.passed, 1);
  assert.deepEqual(
    compareWithBaseline(r, ["#118/p calls: invalid kfunc call: ptr_to_mem to struct with non-scalar"]),
    {
      newFailures: [],
      fixed: [],
    },
  );
  assert.deepEqual(compareWithBaseline(r, []).newFailures.length, 1);
});

test("test_verifier on the patched kernel matches the unpatched kernel", { timeout: 1_800_000 }, async () => {
  const baseline = readBaseline();
  const r = await runSelftests("default");
  const d = compareWithBaseline(r, baseline);
  assert.deepEqual(d.newFailures, [], `new failures on the patched kernel (${r.summary})`);
  assert.deepEqual(d.fixed, [], "tests that fail on the unpatched kernel pass here: the baseline is stale");
  assert.ok(r.passed > 400, `only ${r.passed} tests passed: ${r.summary}`);
});

// The CLI in the guest, in the form the README shows (`npx iu`): it is the project's own
// command, run without loading npm (src/env/guest/bin), and it starts in about the time of
// a bare node. The start-up times are printed (median of 5), not asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { median } from "../../../src/bench/stats.js";
import { iu, skipUnlessVm } from "./util.js";

const guestBin = join(repoRoot, "src", "env", "guest", "bin");

test("npx and iu on the guest's PATH are the guest's own", { skip: skipUnlessVm }, () => {
  for (const cmd of ["npx", "iu"]) {
    const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
    assert.equal(r.stdout.trim(), join(guestBin, cmd));
  }
});

test("npx iu runs bin/iu.js directly: no npm process, the package's version", { skip: skipUnlessVm }, () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  const r = spawnSync(
    "strace",
    ["-f", "-qq", "-e", "trace=execve", "-e", "signal=none", "npx", "iu", "--version"],
    {
      cwd: join(repoRoot, "samples"),
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
  const execs = r.stderr.split("\n").filter((l) => l.includes("execve("));
  assert.ok(
    execs.some((l) => l.includes("bin/iu.js")),
    r.stderr,
  );
  assert.ok(!execs.some((l) => /npm|npx-cli/.test(l.replace(guestBin, ""))), r.stderr);
});

test("npx with options is npm's npx", { skip: skipUnlessVm }, () => {
  const npm = spawnSync("npm", ["--version"], { encoding: "utf8" });
  const r = spawnSync("npx", ["--version"], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), npm.stdout.trim());
});

test("start-up: npx iu against a bare node in the same guest", { skip: skipUnlessVm }, () => {
  const time = (cmd: string, args: string[]) => {
    const runs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: "utf8" });
      assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
      if (i > 0) runs.push(Number(process.hrtime.bigint() - t) / 1e6); // the first warms the cache
    }
    return median(runs);
  };
  const node = time("node", ["-e", "0"]);
  for (const args of [["--help"], ["prog", "list"]]) {
    const ms = time("npx", ["iu", ...args]);
    process.stdout.write(
      `# start-up: npx iu ${args.join(" ")} ${ms.toFixed(0)} ms, node -e 0 ${node.toFixed(0)} ms: ${(ms / node).toFixed(2)}x\n`,
    );
  }
  assert.equal(iu("--version").status, 0);
});

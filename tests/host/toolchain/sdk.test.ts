// The SDK and the sample are formatted (cargo fmt --check) and clippy-clean, with every
// unsafe block documented (clippy::undocumented_unsafe_blocks). Debian's rust-web-clippy
// and rustfmt-web provide /usr/bin/cargo-clippy and /usr/bin/cargo-fmt for rustc-web.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, repoRoot } from "../../../src/env/paths.js";

const env = {
  PATH: "/usr/bin:/bin",
  HOME: process.env.HOME ?? "/",
  RUSTC_BOOTSTRAP: "1",
  CARGO_TARGET_DIR: cacheDir("rust", "clippy-target"),
  CARGO_HOME: cacheDir("rust", "cargo-home"),
};
const cargo = (cwd: string, ...args: string[]): { status: number | null; out: string } => {
  const r = spawnSync("/usr/bin/cargo", args, { cwd, env, encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
};

for (const dir of ["sdk", join("samples", "hello")]) {
  test(
    `cargo fmt --check: ${dir}`,
    { skip: !existsSync("/usr/bin/cargo-fmt") && "rustfmt-web not installed" },
    () => {
      const r = cargo(join(repoRoot, dir), "fmt", "--check");
      assert.equal(r.status, 0, r.out);
    },
  );
}

test(
  "cargo clippy: sdk (host target, -D warnings, documented unsafe)",
  {
    skip: !existsSync("/usr/bin/cargo-clippy") && "rust-web-clippy not installed",
  },
  () => {
    const r = cargo(
      join(repoRoot, "sdk"),
      "clippy",
      "--offline",
      "--",
      "-D",
      "warnings",
      "-W",
      "clippy::undocumented_unsafe_blocks",
    );
    assert.equal(r.status, 0, r.out);
  },
);

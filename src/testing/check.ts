/**
 * The code-health checks run by the test command and CI: TypeScript type check, eslint,
 * prettier; rustfmt and clippy for the Rust crates; checkpatch for the kernel changes.
 * Each check prints its findings; warnings count as failures.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { repoRoot, cacheDir } from "../env/paths.js";
import { kernelSourceVersion } from "../env/kernel.js";
import { rustEnv } from "./rust-env.js";

interface Check {
  name: string;
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A non-empty output counts as failure even with exit 0 (checkpatch warnings). */
  quietOnSuccess?: boolean;
}

const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);

/**
 * Rust crates held to rustfmt: the SDK, every sample or fixture with a Cargo.toml and the
 * runtime suite's test crates (tests/vm/runtime/native). The policy catalogue (deliberately
 * broken programs, some naming files outside the repo) is not.
 */
export function rustCrates(): string[] {
  const out: string[] = [];
  if (existsSync(join(repoRoot, "sdk", "Cargo.toml"))) out.push(join(repoRoot, "sdk"));
  for (const top of ["samples", "bench", "templates", "tests/fixtures/native", "tests/vm/runtime/native"]) {
    const dir = join(repoRoot, top);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && existsSync(join(dir, e.name, "Cargo.toml"))) out.push(join(dir, e.name));
    }
  }
  return out;
}

function filesUnder(dir: string, exts: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && exts.some((x) => e.name.endsWith(x)))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function checkpatchChecks(): Check[] {
  const files = filesUnder(join(repoRoot, "kernel", "src"), [".c", ".h", ".S"]);
  const patches = filesUnder(join(repoRoot, "kernel", "patches"), [".patch"]);
  if (files.length + patches.length === 0) return [];
  const tree = cacheDir("kernel", `src-${kernelSourceVersion()}`);
  const script = join(tree, "scripts", "checkpatch.pl");
  if (!existsSync(script)) {
    return [
      { name: "checkpatch (kernel source not extracted: run `npx iu kernel build`)", cmd: "false", args: [] },
    ];
  }
  const common = ["--no-tree", "--quiet", "--show-types", "--ignore", "SPDX_LICENSE_TAG,FILE_PATH_CHANGES"];
  return [
    ...files.map((f) => ({
      name: `checkpatch ${relative(repoRoot, f)}`,
      cmd: "perl",
      args: [script, ...common, "-f", f],
      quietOnSuccess: true,
    })),
    ...patches.map((p) => ({
      name: `checkpatch ${relative(repoRoot, p)}`,
      cmd: "perl",
      args: [script, ...common, p],
      quietOnSuccess: true,
    })),
  ];
}

export function allChecks(): Check[] {
  const checks: Check[] = [
    { name: "typescript (tsc --noEmit, strict)", cmd: bin("tsc"), args: ["-p", "tsconfig.json", "--noEmit"] },
    { name: "eslint", cmd: bin("eslint"), args: ["--max-warnings", "0", "."] },
    { name: "prettier --check", cmd: bin("prettier"), args: ["--check", "--log-level", "warn", "."] },
  ];
  for (const crate of rustCrates()) {
    const rel = relative(repoRoot, crate);
    checks.push({
      name: `rustfmt ${rel}`,
      cmd: "/usr/bin/cargo",
      args: ["fmt", "--check"],
      cwd: crate,
      env: rustEnv(),
    });
  }
  if (existsSync(join(repoRoot, "sdk", "Cargo.toml"))) {
    checks.push({
      name: "clippy sdk",
      cmd: "/usr/bin/cargo",
      args: ["clippy", "--quiet", "--target-dir", cacheDir("clippy-target"), "--", "-D", "warnings"],
      cwd: join(repoRoot, "sdk"),
      // The SDK (not user crates) uses internal-unsafe macros, an unstable attribute.
      env: { ...rustEnv(), RUSTC_BOOTSTRAP: "1" },
    });
  }
  return [...checks, ...checkpatchChecks()];
}

export async function runChecks(): Promise<number> {
  let failed = 0;
  for (const c of allChecks()) {
    const t0 = Date.now();
    const r = spawnSync(c.cmd, c.args, {
      cwd: c.cwd ?? repoRoot,
      env: c.env ?? process.env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    const ok = r.status === 0 && !(c.quietOnSuccess && out.length > 0);
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    process.stdout.write(`${ok ? "ok  " : "FAIL"} ${c.name} (${secs} s)\n`);
    if (!ok) {
      failed++;
      process.stdout.write((out || r.error?.message || `exit ${r.status}`).replace(/^/gm, "     ") + "\n");
    }
  }
  process.stdout.write(failed ? `check: ${failed} failed\n` : "check: all passed\n");
  return failed ? 1 : 0;
}

/**
 * `iu build`: the trusted pipeline. policy checks → cargo (Debian rustc-web, core built
 * for x86_64-unknown-none and cached per user) → policy lints on the user crate only →
 * link with the toolchain's script → image checks → sign. Nothing the user controls
 * (environment, .cargo/config, build scripts, manifest profile or flags) reaches rustc
 * or the linker: the crate is compiled from a manifest the toolchain generates, with a
 * fresh environment, from a working directory in the cache.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { IuError } from "../errors.js";
import { cacheDir, repoRoot } from "../env/paths.js";
import { parseImage, type ImageSpec } from "../object/image.js";
import { ensureSigningKey, type SigningKey } from "./keys.js";
import { signImage } from "./sign.js";
import { linkImage } from "./link.js";
import { archiveMembers } from "./archive.js";
import {
  PolicyError,
  checkArchiveMembers,
  checkCargoConfig,
  checkEnvironment,
  checkManifest,
  ruleForDiagnostic,
  scanCrate,
  userSpan,
  type CargoMetadataPackage,
  type RustcDiagnostic,
  type Violation,
} from "./policy.js";

export const RUSTC = "/usr/bin/rustc";
export const CARGO = "/usr/bin/cargo";
export const TARGET = "x86_64-unknown-none";
export const RUST_SRC = "/usr/lib/rustlib/src/rust/library";

/** Flags for every crate of the build (core, SDK, program). Changing them rebuilds core. */
export const BASE_RUSTFLAGS = ["-Crelocation-model=pic", "-Cdebuginfo=0"];
/**
 * Flags for the user crate only (`cargo rustc -- ...`): the safety policy, and a call of
 * `mcount` at every function entry, which the kernel binds to its stack check (recursion
 * and deep call chains stop like a panic instead of running off the program's stack).
 */
export const POLICY_RUSTFLAGS = ["-Funsafe_code", "-Zallow-features=", "-Zinstrument-mcount"];

export type Stage = "policy" | "compile" | "link" | "check" | "sign" | "write";

export interface BuildOptions {
  /** Output file; default <crate>/target/iu/<name>.iu */
  out?: string;
  /** The environment the policy checks (default process.env); never passed to cargo. */
  env?: NodeJS.ProcessEnv;
  /** The SDK directory (default <repo>/sdk). */
  sdkDir?: string;
  key?: SigningKey;
  /** Skip the source scan so tests can show the compiler lints catch the same things. */
  skipSourceScan?: boolean;
  onStage?: (stage: Stage) => void;
  log?: (line: string) => void;
}

export interface BuildResult {
  out: string;
  name: string;
  image: ImageSpec;
  size: number;
  elfSize: number;
  seconds: number;
}

export const sdkPath = (): string => join(repoRoot, "sdk");

function checkTools(): void {
  for (const [p, pkg] of [
    [RUSTC, "rustc-web"],
    [CARGO, "cargo-web"],
    [join(RUST_SRC, "core"), "rust-web-src"],
  ])
    if (!existsSync(p)) throw new IuError(`${p} is missing. Install Debian's ${pkg}: apt-get install ${pkg}`);
}

/** The cargo home the toolchain owns: offline, crates-io replaced by rust-src's vendor dir. */
export function cargoHome(): string {
  const home = cacheDir("rust", "cargo-home");
  mkdirSync(home, { recursive: true });
  const cfg =
    `# Written by iu build; the only cargo configuration the build reads.\n` +
    `[source.crates-io]\nreplace-with = "iu-vendored"\n` +
    `[source.iu-vendored]\ndirectory = "${RUST_SRC}/vendor"\n` +
    `[net]\noffline = true\n`;
  const p = join(home, "config.toml");
  if (!existsSync(p) || readFileSync(p, "utf8") !== cfg) writeFileSync(p, cfg);
  return home;
}

/** The fresh environment cargo runs in. */
function cargoEnv(): NodeJS.ProcessEnv {
  return {
    PATH: "/usr/bin:/bin",
    HOME: homedir(),
    CARGO_HOME: cargoHome(),
    RUSTC: RUSTC,
    RUSTC_BOOTSTRAP: "1",
    CARGO_TARGET_DIR: cacheDir("rust", "target"),
    CARGO_ENCODED_RUSTFLAGS: BASE_RUSTFLAGS.join("\x1f"),
    CARGO_TERM_COLOR: "never",
    CARGO_INCREMENTAL: "0",
  };
}

function run(cmd: string, args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: cargoEnv(), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new IuError(`could not run ${cmd}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** `cargo metadata --no-deps` for the user's manifest, run from the cache (no user config read). */
export function readManifest(crateDir: string): CargoMetadataPackage {
  const manifest = join(crateDir, "Cargo.toml");
  if (!existsSync(manifest))
    throw new IuError(`${crateDir} has no Cargo.toml. Create a program with: iu new NAME --type tracepoint`);
  const cwd = cacheDir("rust");
  mkdirSync(cwd, { recursive: true });
  const r = run(
    CARGO,
    ["metadata", "--no-deps", "--format-version", "1", "--offline", "--manifest-path", manifest],
    cwd,
  );
  if (r.status !== 0)
    throw new IuError(`cargo could not read ${manifest}:\n${r.stderr.trim()}\nFix the manifest.`);
  const meta = JSON.parse(r.stdout) as { packages: CargoMetadataPackage[] };
  const pkg = meta.packages.find((p) => resolve(p.manifest_path) === resolve(manifest));
  if (!pkg) throw new IuError(`${manifest} does not define a package. Add a [package] section.`);
  return pkg;
}

function stageManifest(pkg: CargoMetadataPackage, libPath: string, sdkDir: string): string {
  const s = (x: string): string => JSON.stringify(x);
  return (
    `# Generated by iu build from ${pkg.manifest_path}; the toolchain decides every setting.\n` +
    `[package]\nname = ${s(pkg.name)}\nversion = "0.0.0"\nedition = ${s(pkg.edition)}\n` +
    `build = false\nautobins = false\nautoexamples = false\nautotests = false\nautobenches = false\n\n` +
    `[lib]\npath = ${s(libPath)}\n\n` +
    `[dependencies]\niu = { path = ${s(sdkDir)} }\n\n` +
    `[profile.release]\nopt-level = 2\ndebug = false\npanic = "abort"\ncodegen-units = 1\nlto = false\n` +
    `incremental = false\noverflow-checks = false\ndebug-assertions = false\n\n[workspace]\n`
  );
}

export function build(dir: string, opts: BuildOptions = {}): BuildResult {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const stage = (s: Stage): void => opts.onStage?.(s);
  const crateDir = realpathSync(resolve(dir));
  const sdkDir = realpathSync(opts.sdkDir ?? sdkPath());
  checkTools();

  // 1. Inputs and sources.
  stage("policy");
  const violations: Violation[] = [
    ...checkEnvironment(opts.env ?? process.env),
    ...checkCargoConfig(crateDir),
  ];
  const pkg = readManifest(crateDir);
  violations.push(...checkManifest(pkg, sdkDir));
  const lib = pkg.targets.find((t) => t.kind.includes("lib") || t.kind.includes("rlib"));
  if (lib && !opts.skipSourceScan) violations.push(...scanCrate(crateDir, lib.src_path));
  if (violations.length) throw new PolicyError(violations);
  if (!lib) throw new IuError("no library target");

  // 2. Compile in a staging package the toolchain owns.
  stage("compile");
  const stageDir = cacheDir(
    "rust",
    "stage",
    `${pkg.name}-${createHash("sha256").update(crateDir).digest("hex").slice(0, 12)}`,
  );
  mkdirSync(stageDir, { recursive: true });
  const manifestText = stageManifest(pkg, lib.src_path, sdkDir);
  const manifestPath = join(stageDir, "Cargo.toml");
  if (!existsSync(manifestPath) || readFileSync(manifestPath, "utf8") !== manifestText)
    writeFileSync(manifestPath, manifestText);
  const args = [
    "rustc",
    "--release",
    "--offline",
    "--target",
    TARGET,
    "-Zbuild-std=core",
    "--lib",
    "--crate-type",
    "staticlib",
    "--message-format=json",
    "--manifest-path",
    manifestPath,
    "--",
    ...POLICY_RUSTFLAGS,
  ];
  log(`cargo ${args.join(" ")}`);
  const r = run(CARGO, args, stageDir);
  const diags: Violation[] = [];
  const errors: string[] = [];
  let staticLib: string | null = null;
  for (const line of r.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const msg = JSON.parse(line) as {
      reason: string;
      target?: { name: string; kind: string[] };
      message?: RustcDiagnostic;
      filenames?: string[];
    };
    if (msg.reason === "compiler-artifact" && msg.target?.name === lib.name)
      staticLib = msg.filenames?.find((f) => f.endsWith(".a")) ?? staticLib;
    if (msg.reason !== "compiler-message" || !msg.message || msg.message.level !== "error") continue;
    const d = msg.message;
    const rule = ruleForDiagnostic(d);
    const span = userSpan(d.spans.find((s) => s.is_primary) ?? d.spans[0], crateDir);
    if (rule)
      diags.push({
        rule,
        file: span?.file_name ?? pkg.manifest_path,
        line: span?.line_start ?? 0,
        col: span?.column_start ?? 0,
        detail: `compiler: ${d.message}`,
      });
    else errors.push(d.rendered ?? d.message);
  }
  if (diags.length) throw new PolicyError(diags);
  if (r.status !== 0 || errors.length)
    throw new IuError(
      `compiling ${pkg.name} failed:\n${errors.join("\n") || r.stderr.trim()}\nFix the errors above and run iu build again.`,
    );
  if (!staticLib || !existsSync(staticLib))
    throw new IuError(`cargo did not produce the static library for ${pkg.name}:\n${r.stderr.trim()}`);

  // 3. Check the link inputs, link with the toolchain's script, check the result.
  stage("link");
  const elfPath = join(stageDir, `${pkg.name}.elf`);
  copyFileSync(staticLib, join(stageDir, `lib${pkg.name}.a`));
  const members = archiveMembers(new Uint8Array(readFileSync(join(stageDir, `lib${pkg.name}.a`))));
  const foreign = checkArchiveMembers(members, lib.name, staticLib);
  if (foreign.length) throw new PolicyError(foreign);
  linkImage(join(stageDir, `lib${pkg.name}.a`), stageDir, elfPath);
  stage("check");
  const elf = new Uint8Array(readFileSync(elfPath));
  const spec = parseImage(elf);
  if (spec.programs.length === 0)
    spec.problems.push(
      'no program is declared: add e.g. iu::tracepoint!(handler, "syscalls/sys_enter_getpid");',
    );
  if (spec.problems.length)
    throw new IuError(
      `the linked image of ${pkg.name} does not meet docs/IMAGE-FORMAT.md; it is not signed:\n` +
        spec.problems.map((p) => "  " + p).join("\n"),
    );

  // 4. Sign (only after every check passed) and write.
  stage("sign");
  const signed = signImage(elf, opts.key ?? ensureSigningKey());
  stage("write");
  const out = resolve(opts.out ?? join(crateDir, "target", "iu", `${pkg.name}.iu`));
  mkdirSync(join(out, ".."), { recursive: true });
  writeFileSync(out, signed);
  return {
    out,
    name: pkg.name,
    image: parseImage(signed),
    size: signed.length,
    elfSize: elf.length,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * `iu build`: the trusted pipeline. policy checks → cargo (Debian rustc-web, core built
 * for x86_64-unknown-none and cached per user) → policy lints on the user crate only →
 * link with the toolchain's script → image checks → sign. Nothing the user controls
 * (environment, .cargo/config, build scripts, manifest profile or flags) reaches rustc
 * or the linker: the crate is compiled from a manifest the toolchain generates, with a
 * fresh environment, from a working directory in the cache, inside a sandbox that shows
 * cargo and rustc only the Rust toolchain, the SDK, the crate and the build cache (never
 * the home directory or the signing key). After the compile, rustc's own dep-info says
 * which files the crate read; each must be a scanned file of the crate.
 */
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { IuError } from "../errors.js";
import { crateDirOf } from "./crate.js";
import { cacheDir, configDir, repoRoot } from "../env/paths.js";
import { parseImage, type ImageSpec } from "../object/image.js";
import { ElfFile } from "../object/elf.js";
import { encodeProvenance, IU_PROV_SECTION, type Provenance } from "../object/prov.js";
import { calleeSavedUse, disassemble } from "./regs.js";
import { stackBound } from "./stack.js";
import { ensureSigningKey, type SigningKey } from "./keys.js";
import { signImage } from "./sign.js";
import { linkImage } from "./link.js";
import { archiveMembers } from "./archive.js";
import { writeFileNoFollow } from "./output.js";
import { buildProvenance } from "./provenance.js";
import { runSandboxed, type SandboxSpec } from "./sandbox.js";
import {
  PolicyError,
  checkArchiveMembers,
  checkCargoConfig,
  checkDepInfo,
  checkEnvironment,
  checkManifest,
  ruleForDiagnostic,
  scanCrateFiles,
  unreadableOutsideCrate,
  userSpan,
  type CargoMetadataPackage,
  type RustcDiagnostic,
  type Violation,
} from "./policy.js";

export const RUSTC = "/usr/bin/rustc";
export const CARGO = "/usr/bin/cargo";
export const TARGET = "x86_64-unknown-none";
export const RUST_SRC = "/usr/lib/rustlib/src/rust/library";

/**
 * Flags for every crate of the build (core, SDK, program). Changing them rebuilds core.
 * IBT: `-Zcf-protection=branch` puts endbr64 at every function whose address can be
 * taken and marks each object's .note.gnu.property (the linker refuses objects without
 * the mark); `-Cjump-tables=false` because a switch lowered to a jump table is an
 * indirect jump to a label without endbr64 (kernel IBT ignores `notrack`), as the kernel
 * itself builds with -fno-jump-tables.
 */
export const BASE_RUSTFLAGS = [
  "-Crelocation-model=pic",
  "-Cdebuginfo=0",
  "-Zcf-protection=branch",
  "-Cjump-tables=false",
  "-Zemit-stack-sizes",
];
/**
 * Flags for the user crate only (`cargo rustc -- ...`): the safety policy. `-Zemit-stack-sizes`
 * (for every crate, above) gives each function's frame size to the stack bound
 * (src/toolchain/stack.ts).
 */
export const POLICY_RUSTFLAGS = ["-Funsafe_code", "-Zallow-features="];
/**
 * For code whose stack depth has no static bound (recursion, calls through pointers): a
 * call of `mcount` at every function entry, which the kernel binds to its stack check, so
 * that such code stops like a panic instead of running off the program's stack.
 */
export const STACK_CHECK_RUSTFLAGS = ["-Zinstrument-mcount"];

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
  /** Skip the dep-info check so tests can show the sandbox alone keeps outside files from rustc. */
  skipDepInfoCheck?: boolean;
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

/**
 * Records what the code of the linked `elfPath` (`code`, its disassembly) needs: the
 * callee-saved registers it uses (src/toolchain/regs.ts) and its stack bound; then links
 * again with that record. The record is data of a fixed size, so the rest must come out
 * byte for byte the same, which is checked. Returns the record the image carries.
 */
function relinkWithFindings(
  lib: string,
  stageDir: string,
  elfPath: string,
  code: string,
  first: Provenance,
  stack: number,
): Provenance {
  const prov = { ...first, clobbers: calleeSavedUse(code), stack };
  if (prov.clobbers === first.clobbers && prov.stack === first.stack) return prov;
  const before = new Uint8Array(readFileSync(elfPath));
  linkImage(lib, stageDir, elfPath, encodeProvenance(prov), `iu_prov ${JSON.stringify(prov)}`);
  const after = new Uint8Array(readFileSync(elfPath));
  const sec = new ElfFile(after).section(IU_PROV_SECTION);
  const differs =
    before.length !== after.length ||
    !sec ||
    before.some((b, i) => b !== after[i] && (i < sec.offset || i >= sec.offset + sec.size));
  if (differs)
    throw new IuError(`relinking ${elfPath} with its .iu.prov record changed more than the record`);
  return prov;
}

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

/**
 * The host C compiler rustc links host code with (build-std's build scripts, `iu test`'s
 * binaries), resolved here: /usr/bin/cc is a link through /etc/alternatives, which the
 * sandbox does not show.
 */
export function hostLinker(): string {
  let cc: string;
  try {
    cc = realpathSync("/usr/bin/cc");
  } catch {
    throw new IuError(
      "/usr/bin/cc is missing: cargo links build scripts and host tests with it (apt-get install gcc)",
    );
  }
  if (!cc.startsWith("/usr/"))
    throw new IuError(`/usr/bin/cc resolves to ${cc}, outside /usr, which the build sandbox does not show`);
  return cc;
}

/** The fresh environment cargo runs in (HOME does not exist in the sandbox; CARGO_HOME is set). */
function cargoEnv(): NodeJS.ProcessEnv {
  return {
    // core's build-std build scripts (compiler_builtins) are host programs.
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER: hostLinker(),
    PATH: "/usr/bin:/bin",
    HOME: "/nonexistent",
    CARGO_HOME: cargoHome(),
    RUSTC: RUSTC,
    RUSTC_BOOTSTRAP: "1",
    CARGO_TARGET_DIR: cacheDir("rust", "target"),
    CARGO_ENCODED_RUSTFLAGS: BASE_RUSTFLAGS.join("\x1f"),
    CARGO_TERM_COLOR: "never",
    CARGO_INCREMENTAL: "0",
  };
}

/** Directories the sandbox must never show: the toolchain's configuration (keys) and the signing key's directory. */
export function secretDirs(key?: SigningKey): string[] {
  return [configDir(), key?.dir ?? configDir("keys")];
}

/** `dev:ino` of every file in the secret directories, so a hard link to the key is recognised by identity. */
function secretInodes(dirs: string[]): Set<string> {
  const out = new Set<string>();
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const st = statSync(p);
        out.add(`${st.dev}:${st.ino}`);
      }
    }
  };
  dirs.forEach(walk);
  return out;
}

/**
 * The sandbox of a build step: the crate and the SDK read-only, the toolchain's caches
 * read-write, and a time limit (a cold build of core takes about a minute here; a
 * compile that reads an endless file never ends).
 */
function sandbox(
  crateDir: string,
  sdkDir: string,
  cwd: string,
  rw: string[],
  key: SigningKey | undefined,
  timeout: number,
): SandboxSpec {
  return {
    readOnly: [crateDir, sdkDir],
    readWrite: [cargoHome(), ...rw],
    hidden: secretDirs(key),
    cwd,
    env: cargoEnv(),
    timeout,
  };
}

/** `cargo metadata --no-deps` for the user's manifest, run from the cache (no user config read), sandboxed. */
export function readManifest(crateDir: string, sdkDir = sdkPath(), key?: SigningKey): CargoMetadataPackage {
  const manifest = join(crateDir, "Cargo.toml");
  if (!existsSync(manifest))
    throw new IuError(`${crateDir} has no Cargo.toml. Create a program with: iu new NAME --type tracepoint`);
  const home = cargoHome();
  const r = runSandboxed(
    CARGO,
    ["metadata", "--no-deps", "--format-version", "1", "--offline", "--manifest-path", manifest],
    sandbox(crateDir, realpathSync(sdkDir), home, [], key, 120_000),
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
  const crateDir = crateDirOf(dir);
  const sdkDir = realpathSync(opts.sdkDir ?? sdkPath());
  checkTools();

  // 1. Inputs and sources.
  stage("policy");
  const violations: Violation[] = [
    ...checkEnvironment(opts.env ?? process.env),
    ...checkCargoConfig(crateDir),
  ];
  const pkg = readManifest(crateDir, sdkDir, opts.key);
  violations.push(...checkManifest(pkg, sdkDir));
  const lib = pkg.targets.find((t) => t.kind.includes("lib") || t.kind.includes("rlib"));
  const scan = lib ? scanCrateFiles(crateDir, lib.src_path) : { violations: [], files: [] };
  if (!opts.skipSourceScan) violations.push(...scan.violations);
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
  /** Compiles the crate (with `extraFlags` for it alone) and checks what rustc read. */
  const compile = (extraFlags: string[]): { libCopy: string; members: string[]; staticLib: string } => {
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
      ...extraFlags,
    ];
    log(`cargo ${args.join(" ")}`);
    const targetDir = cacheDir("rust", "target");
    mkdirSync(targetDir, { recursive: true });
    const r = runSandboxed(
      CARGO,
      args,
      sandbox(crateDir, sdkDir, stageDir, [targetDir, stageDir], opts.key, 1_800_000),
    );
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
      const span = userSpan(d.spans.find((s) => s.is_primary) ?? d.spans[0], crateDir);
      const outside = unreadableOutsideCrate(d, crateDir, stageDir);
      if (outside) {
        diags.push({
          rule: "source-files",
          file: span?.file_name ?? pkg.manifest_path,
          line: span?.line_start ?? 0,
          col: span?.column_start ?? 0,
          detail:
            `${outside} lies outside the crate` +
            (/No such file or directory/.test(d.message) ? ", and the build sandbox does not show it" : "") +
            ` (compiler: ${d.message})`,
        });
        continue;
      }
      const rule = ruleForDiagnostic(d);
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

    // What the compiler read: rustc's dep-info of exactly the unit in this archive (its
    // member names carry the unit's hash, as does the dep-info file's name).
    const libCopy = join(stageDir, `lib${pkg.name}.a`);
    copyFileSync(staticLib, libCopy);
    const members = archiveMembers(new Uint8Array(readFileSync(libCopy)));
    const crate = lib.name.replace(/-/g, "_");
    const hash = members.map((m) => new RegExp(`^${crate}-([0-9a-f]+)\\.`).exec(m)?.[1]).find(Boolean);
    const depFile = hash && join(targetDir, TARGET, "release", "deps", `${crate}-${hash}.d`);
    if (!depFile || !existsSync(depFile))
      throw new IuError(
        `cargo did not leave rustc's dep-info for ${pkg.name} (${depFile || "no unit of the crate in the library"}); ` +
          "the toolchain cannot tell which files the compiler read. Remove the build cache (" +
          `${cacheDir("rust", "target")}) and build again.`,
      );
    if (!opts.skipDepInfoCheck) {
      const read = checkDepInfo(
        depFile,
        crateDir,
        scan.files,
        lib.src_path,
        stageDir,
        secretInodes(secretDirs(opts.key)),
      );
      if (read.length) throw new PolicyError(read);
    }
    return { libCopy, members, staticLib };
  };
  let unit = compile([]);

  // 3. Check the link inputs, link with the toolchain's script, check the result. Code
  // whose stack depth cannot be bounded is built again with a check at every entry.
  stage("link");
  const elfPath = join(stageDir, `${pkg.name}.elf`);
  const first = buildProvenance(sdkDir, RUSTC);
  const linkUnit = (u: typeof unit): void => {
    const foreign = checkArchiveMembers(u.members, lib.name, u.staticLib);
    if (foreign.length) throw new PolicyError(foreign);
    linkImage(u.libCopy, stageDir, elfPath, encodeProvenance(first), `iu_prov ${JSON.stringify(first)}`);
  };
  linkUnit(unit);
  let code = disassemble(elfPath);
  const bound = stackBound(new Uint8Array(readFileSync(elfPath)), code);
  if (!bound.bounded) {
    log(`stack depth not bounded: ${bound.reason}; building with a stack check at every function entry`);
    unit = compile(STACK_CHECK_RUSTFLAGS);
    linkUnit(unit);
    code = disassemble(elfPath);
  }
  const prov = relinkWithFindings(
    unit.libCopy,
    stageDir,
    elfPath,
    code,
    first,
    bound.bounded ? bound.bytes : 0,
  );
  stage("check");
  const elf = new Uint8Array(readFileSync(elfPath));
  const spec = parseImage(elf);
  if (spec.provenance && JSON.stringify(spec.provenance) !== JSON.stringify(prov))
    spec.problems.push(`.iu.prov reads ${JSON.stringify(spec.provenance)}, not ${JSON.stringify(prov)}`);
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
  writeFileNoFollow(out, signed, crateDir);
  return {
    out,
    name: pkg.name,
    image: parseImage(signed),
    size: signed.length,
    elfSize: elf.length,
    seconds: (performance.now() - t0) / 1000,
  };
}

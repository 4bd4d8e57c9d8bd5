/**
 * What the in-VM suites need and cannot build themselves (the VM's root is read-only and
 * its compilers are slow under TCG), built on the host by ONE prepare step before any test
 * runs, and where the tests find it. A test whose input is missing fails naming it
 * (`requireInput`); it does not skip and it does not build the input itself.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { prepareAll as buildBenchPrograms } from "../bench/host.js";
import { buildKernel } from "../env/kernel.js";
import { cacheDir, repoRoot } from "../env/paths.js";
import { IuError } from "../errors.js";
import { genBtf } from "../gen/btf.js";
import { build } from "../toolchain/build.js";
import { ebpfClangArgs } from "../toolchain/ebpf.js";
import { buildSamples } from "../toolchain/samples.js";

const PREPARE_HINT =
  "the test harness's prepare step builds it: run iu test-all (or iu test-all --prepare-only)";

/** `path` if it exists; otherwise an error naming the missing input and what builds it. */
export function requireInput(path: string, what?: string): string {
  if (!existsSync(path))
    throw new Error(`missing test input ${path}${what ? ` (${what})` : ""}: ${PREPARE_HINT}`);
  return path;
}

/** `requireInput(path, what)`, also failing when `path` is older than its source `src`. */
function requireFresh(path: string, src: string, what: string): string {
  requireInput(path, what);
  if (statSync(path).mtimeMs < statSync(src).mtimeMs)
    throw new Error(`stale test input ${path}: older than ${src}; ${PREPARE_HINT}`);
  return path;
}

/* ---------------------------------------------------------------------------------- */
/* signed images                                                                        */

/** The directories holding the in-VM suites' own Rust test programs, one crate each. */
export const nativeTestRoots = ["loader", "runtime", "samples"].map((s) =>
  join(repoRoot, "tests", "vm", s, "native"),
);

/** Every test crate under nativeTestRoots. */
export function nativeTestCrates(): string[] {
  return nativeTestRoots.flatMap((root) =>
    existsSync(root)
      ? readdirSync(root)
          .filter((d) => existsSync(join(root, d, "Cargo.toml")))
          .sort()
          .map((d) => join(root, d))
      : [],
  );
}

/** The default output of `iu build DIR`: DIR/target/iu/NAME.iu. */
export const crateImage = (dir: string): string => join(dir, "target", "iu", `${basename(dir)}.iu`);

/** A sample's signed image, samples/NAME/target/iu/NAME.iu. */
export const sampleImage = (sample: string): string => crateImage(join(repoRoot, "samples", sample));

/* ---------------------------------------------------------------------------------- */
/* the samples' eBPF twins                                                              */

/** Every samples/NAME/NAME.bpf.c. */
export function sampleTwins(): { sample: string; file: string }[] {
  const samples = join(repoRoot, "samples");
  return readdirSync(samples)
    .sort()
    .filter((s) => existsSync(join(samples, s, `${s}.bpf.c`)))
    .map((s) => ({ sample: s, file: `${s}.bpf.c` }));
}

/** Where the prepare step leaves a sample's compiled twin (named by its -D defines). */
export function twinObject(sample: string, file = `${sample}.bpf.c`, defines: string[] = []): string {
  const tag = defines.map((d) => `.${d.replace(/[^A-Za-z0-9_]/g, "_")}`).join("");
  return join(repoRoot, "samples", sample, "target", "twin", file.replace(/\.c$/, `${tag}.o`));
}

/** clang arguments for a twin (`-O2 -g -target bpf`, the samples' include directory). */
export function twinClangArgs(sample: string, file: string, out: string, defines: string[] = []): string[] {
  return ebpfClangArgs(join(repoRoot, "samples", sample, file), out, {
    includes: [join(repoRoot, "samples", "include")],
    defines,
  });
}

/** Offsets twins take as -D defines: NAME → [struct, field]. */
const TWIN_OFFSETS: Record<string, [string, string]> = {
  TASK_STACK_OFF: ["task_struct", "stack"],
  BPRM_FILENAME_OFF: ["linux_binprm", "filename"],
};

/**
 * The -D defines a twin is built with: the struct field offsets it names (tracex5:
 * offsetof(task_struct, stack)), taken from the BTF of the kernel the VM boots, as the
 * native sample's `iu gen btf` accessors are.
 */
export function twinDefines(sample: string, file: string, vmlinux: string): string[] {
  const src = readFileSync(join(repoRoot, "samples", sample, file), "utf8");
  const names = Object.keys(TWIN_OFFSETS).filter((n) => src.includes(n));
  if (!names.length) return [];
  const btf = requireInput(vmlinux, "the built kernel, for its BTF");
  return names.map((n) => {
    const [struct, field] = TWIN_OFFSETS[n];
    const code = genBtf([struct], { btf, fields: [field] });
    const off = /wrapping_add\((\d+)\)/.exec(code)?.[1];
    if (!off) throw new IuError(`no offset of ${struct}.${field} in the BTF of ${vmlinux}`);
    return `${n}=${off}`;
  });
}

/** A prepared twin object, failing when missing or older than its source. */
export function requireTwin(sample: string, file = `${sample}.bpf.c`, defines: string[] = []): string {
  return requireFresh(
    twinObject(sample, file, defines),
    join(repoRoot, "samples", sample, file),
    `eBPF twin of samples/${sample}/${file}`,
  );
}

function compileTwin(sample: string, file: string, defines: string[]): void {
  const out = twinObject(sample, file, defines);
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync("clang", twinClangArgs(sample, file, out, defines), { encoding: "utf8" });
  if (r.status !== 0)
    throw new IuError(`clang samples/${sample}/${file} failed: ${r.error?.message ?? r.stderr}`);
}

/* ---------------------------------------------------------------------------------- */
/* the samples' user binaries (what uprobe samples probe)                               */

/** Every samples/NAME/BASE.c that is not an eBPF twin: a user program a sample probes. */
export function sampleUserPrograms(): { sample: string; file: string }[] {
  const samples = join(repoRoot, "samples");
  return readdirSync(samples)
    .sort()
    .flatMap((s) =>
      existsSync(join(samples, s, "Cargo.toml"))
        ? readdirSync(join(samples, s))
            .filter((f) => f.endsWith(".c") && !f.endsWith(".bpf.c"))
            .sort()
            .map((file) => ({ sample: s, file }))
        : [],
    );
}

/** Where the prepare step leaves a sample's user binary: samples/NAME/target/user/BASE. */
export const sampleUserBinary = (sample: string, base: string): string =>
  join(repoRoot, "samples", sample, "target", "user", base);

function compileUserProgram(sample: string, file: string): void {
  const out = sampleUserBinary(sample, file.replace(/\.c$/, ""));
  mkdirSync(dirname(out), { recursive: true });
  // -O1 keeps the probed functions as written (they are noinline); -g for debuggers
  const args = ["-O1", "-g", "-Wall", "-Werror", "-o", out, join(repoRoot, "samples", sample, file)];
  const r = spawnSync("cc", args, { encoding: "utf8" });
  if (r.status !== 0)
    throw new IuError(`cc samples/${sample}/${file} failed: ${r.error?.message ?? r.stderr}`);
}

/** A prepared user binary of a sample, failing when missing or older than its source. */
export function requireUserBinary(sample: string, base: string): string {
  return requireFresh(
    sampleUserBinary(sample, base),
    join(repoRoot, "samples", sample, `${base}.c`),
    `user program samples/${sample}/${base}.c`,
  );
}

/* ---------------------------------------------------------------------------------- */
/* the kernel's hand-made test images (tests/fixtures/kernel)                           */

export const fixtureSrc = join(repoRoot, "tests", "fixtures", "kernel");
export const keysDir = process.env.IU_KEYS ?? "/root/.config/iu/keys";
/** Mutated, re-signed images of good.so the fuzz run loads. */
export const FIXTURE_FUZZ_COUNT = 1000;

/** Cache directory named by a hash of the fixture sources, the ABI header and the signing certificate. */
export function fixtureDir(): string {
  const h = createHash("sha256");
  for (const e of readdirSync(fixtureSrc, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  ))
    if (e.isFile()) h.update(e.name).update(readFileSync(join(fixtureSrc, e.name)));
  // The fixtures include the ABI header.
  h.update(readFileSync(join(repoRoot, "kernel", "src", "include", "uapi", "linux", "bpf_iu.h")));
  const cert = join(keysDir, "signing-cert.pem");
  if (existsSync(cert)) h.update(readFileSync(cert));
  return cacheDir("kernel-fixtures", h.digest("hex").slice(0, 16));
}

/** Built, with at least `fuzz` mutated images (the stamp holds their count). */
export const fixturesReady = (dir: string, fuzz = 0): boolean =>
  existsSync(join(dir, "stamp")) && Number(readFileSync(join(dir, "stamp"), "utf8")) >= fuzz;

/** Builds the images, iutest and `fuzzCount` mutated, re-signed images into `dir`. */
export function buildFixtures(dir: string, fuzzCount: number): void {
  rmSync(dir, { recursive: true, force: true });
  const env = { ...process.env, IU_KEYS: keysDir };
  const r = spawnSync(join(fixtureSrc, "mkimages.sh"), [dir], { encoding: "utf8", env });
  if (r.status !== 0)
    throw new IuError(`tests/fixtures/kernel/mkimages.sh failed: ${r.error?.message ?? r.stderr}`);
  const g = spawnSync(
    "python3",
    [
      join(fixtureSrc, "iufuzz.py"),
      join(dir, "good.so"),
      join(dir, "fuzz"),
      String(fuzzCount),
      join(keysDir, "signing-cert.pem"),
      join(keysDir, "signing-key.pem"),
      "11",
    ],
    { encoding: "utf8", env: { ...env, PYTHONDONTWRITEBYTECODE: "1" } },
  );
  if (g.status !== 0)
    throw new IuError(`tests/fixtures/kernel/iufuzz.py failed: ${g.error?.message ?? g.stderr}`);
  writeFileSync(join(dir, "stamp"), `${fuzzCount}\n`);
}

/** The prepared fixture directory, failing when it is missing or incomplete. */
export function requireFixtures(): string {
  const dir = fixtureDir();
  if (!fixturesReady(dir, FIXTURE_FUZZ_COUNT))
    throw new Error(
      `missing test input ${dir} (the kernel's hand-made images, ${FIXTURE_FUZZ_COUNT} fuzz images): ${PREPARE_HINT}`,
    );
  return dir;
}

/* ---------------------------------------------------------------------------------- */
/* the prepare step                                                                     */

export interface PrepareOptions {
  /** Kernel flavour the in-VM tests boot (its vmlinux gives tracex5's twin its offset). */
  flavour?: string;
  log?: (line: string) => void;
}

/**
 * Builds every input of the tests: the kernel, the samples' images and eBPF twins, the
 * benchmark workloads, the suites' own test crates and the kernel's hand-made images.
 * Each build is cached or incremental, so a second run is quick. Throws naming what failed.
 */
export async function prepareTestInputs(o: PrepareOptions = {}): Promise<void> {
  const log = o.log ?? (() => {});
  const kernel = await buildKernel({ flavour: o.flavour });
  log(`kernel: ${kernel.bzImage}`);
  for (const b of buildSamples()) log(`built ${b.name}: ${b.size} bytes`);
  log(`built ${buildBenchPrograms().length} benchmark workloads`);
  for (const dir of nativeTestCrates()) {
    const r = build(dir, {});
    if (r.image.problems.length)
      throw new IuError(`test program ${dir}: the image breaks the format: ${r.image.problems.join("; ")}`);
    log(`built ${r.out}`);
  }
  const twins = sampleTwins();
  for (const { sample, file } of twins) compileTwin(sample, file, twinDefines(sample, file, kernel.vmlinux));
  log(`compiled ${twins.length} eBPF twins`);
  const users = sampleUserPrograms();
  for (const { sample, file } of users) compileUserProgram(sample, file);
  log(`compiled ${users.length} user programs the samples probe`);
  const fixtures = fixtureDir();
  if (!fixturesReady(fixtures, FIXTURE_FUZZ_COUNT)) buildFixtures(fixtures, FIXTURE_FUZZ_COUNT);
  log(`kernel test images: ${fixtures}`);
}

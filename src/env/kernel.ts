/**
 * The kernel pipeline: Debian's linux-source-6.12 + the project's kernel changes
 * (kernel/src: new files, kernel/patches: diffs of existing files) + a config fragment
 * over `make tinyconfig` -> bzImage with BTF, cached by a hash of all inputs.
 *
 * Layout under the cache directory (cacheDir("kernel")):
 *   src-<debian version>/        the extracted source with the project's changes applied
 *   src-<debian version>/.iu/    originals of the files the changes touch + the manifest
 *   build/, build-<flavour>/     the kept out-of-tree builds (O=), rebuilt incrementally
 *   images/<key>/bzImage         finished images; a key directory appears only when complete
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
  readdirSync,
  statSync,
  renameSync,
  rmSync,
  copyFileSync,
  statfsSync,
  mkdtempSync,
} from "node:fs";
import { join, relative, dirname } from "node:path";
import { createHash } from "node:crypto";
import { cpus } from "node:os";
import { cacheDir, repoRoot } from "./paths.js";
import { runCapture, runChecked, runLines } from "./exec.js";
import { requirePackages } from "./setup.js";
import { withLock } from "./lock.js";
import { startProgress } from "./progress.js";
import { ensureSigningKey, certDigest } from "../toolchain/keys.js";
import { IuError } from "../errors.js";

export const kernelPackage = "linux-source-6.12";
const tarball = "/usr/src/linux-source-6.12.tar.xz";

export interface KernelBuildOptions {
  /** "default" (kernel/config/base.config) or another fragment name in kernel/config. */
  flavour?: string;
  verbose?: boolean;
  /** Rebuild even when the cached image matches. */
  force?: boolean;
  log?: (msg: string) => void;
}

export interface KernelImage {
  bzImage: string;
  /** The build tree's vmlinux (for BTF / vmlinux.h); may belong to a newer build of the flavour. */
  vmlinux: string;
  release: string;
  key: string;
  cached: boolean;
}

/** The installed linux-source package version, e.g. "6.12.117-1~deb12u1". */
export function kernelSourceVersion(): string {
  requirePackages([kernelPackage]);
  const r = runCapture("dpkg-query", ["-W", "-f=${Version}", kernelPackage]);
  return r.stdout.trim();
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

const kernelDir = () => join(repoRoot, "kernel");

/** Config fragments for a flavour: base.config, plus <flavour>.config for other flavours. */
export function configFragments(flavour = "default", changes = kernelDir()): string[] {
  const dir = join(changes, "config");
  const frags = [join(dir, "base.config")];
  if (flavour !== "default") {
    const f = join(dir, `${flavour}.config`);
    if (!existsSync(f)) throw new IuError(`unknown kernel flavour "${flavour}": ${f} does not exist.`);
    frags.push(f);
  }
  return frags;
}

/**
 * The cache key: kernel source version, every file of the project's kernel changes, the
 * config fragments of the flavour and the embedded signing certificate.
 */
export function kernelCacheKey(
  sourceVersion: string,
  flavour: string,
  certPath: string,
  changes = kernelDir(),
): string {
  const h = createHash("sha256");
  h.update(`source ${sourceVersion}\nflavour ${flavour}\ncert ${certDigest(certPath)}\n`);
  for (const f of [...filesUnder(join(changes, "src")), ...filesUnder(join(changes, "patches"))]) {
    h.update(`file ${relative(changes, f)}\n`).update(readFileSync(f));
  }
  for (const f of configFragments(flavour, changes))
    h.update(`config ${relative(changes, f)}\n`).update(readFileSync(f));
  return h.digest("hex").slice(0, 24);
}

function checkDiskSpace(dir: string, needGiB: number): void {
  mkdirSync(dir, { recursive: true });
  const s = statfsSync(dir);
  const freeGiB = (s.bavail * s.bsize) / 2 ** 30;
  if (freeGiB < needGiB) {
    throw new IuError(
      `not enough disk space for the kernel build: ${freeGiB.toFixed(1)} GiB free in ${dir}, ` +
        `${needGiB} GiB needed. Free some space or point IU_CACHE_DIR at a larger disk.`,
    );
  }
}

/** Extracts the Debian tarball once; the tree appears under its final name only when complete. */
function ensureSourceTree(version: string, log: (m: string) => void, suffix = ""): string {
  const root = cacheDir("kernel");
  const tree = join(root, `src-${version}${suffix}`);
  if (existsSync(join(tree, "Makefile"))) return tree;
  checkDiskSpace(root, 6);
  log(`extracting ${tarball} (linux-source ${version})`);
  const tmp = mkdtempSync(join(root, "extract-"));
  runChecked("tar", ["-xf", tarball, "-C", tmp], "extracting the kernel source");
  const top = readdirSync(tmp).find((n) => n.startsWith("linux-source"));
  if (!top) throw new IuError(`${tarball} does not contain a linux-source-* directory.`);
  renameSync(join(tmp, top), tree);
  rmSync(tmp, { recursive: true, force: true });
  return tree;
}

interface Manifest {
  /** Paths (relative to the tree) the applied changes wrote; `created` ones had no original. */
  files: Record<string, { created: boolean }>;
}

/** What the changes in the repo want the touched files to contain. */
function desiredFiles(tree: string, manifest: Manifest, changes: string): Map<string, Buffer> {
  const want = new Map<string, Buffer>();
  const srcDir = join(changes, "src");
  for (const f of filesUnder(srcDir)) want.set(relative(srcDir, f), readFileSync(f));
  const patches = filesUnder(join(changes, "patches")).filter((f) => f.endsWith(".patch"));
  if (patches.length === 0) return want;
  // Apply the patches to pristine copies of the files they name, in a scratch tree.
  const scratch = mkdtempSync(join(dirname(tree), "patch-"));
  try {
    const named = new Set<string>();
    for (const p of patches) {
      for (const m of readFileSync(p, "utf8").matchAll(/^\+\+\+ b\/(\S+)/gm)) named.add(m[1]);
    }
    for (const rel of named) {
      const orig = pristinePath(tree, rel, manifest);
      if (orig && existsSync(orig)) {
        mkdirSync(dirname(join(scratch, rel)), { recursive: true });
        copyFileSync(orig, join(scratch, rel));
      }
    }
    for (const p of patches) {
      const r = runCapture("patch", [
        "-p1",
        "--forward",
        "--batch",
        "--fuzz=0",
        "--no-backup-if-mismatch",
        "-d",
        scratch,
        "-i",
        p,
      ]);
      if (r.code !== 0) {
        throw new IuError(
          `kernel patch ${relative(repoRoot, p)} does not apply to the installed ${kernelPackage} ` +
            `(${tree}):\n${r.stdout.trim().slice(-1500)}\n` +
            "The Debian kernel source probably moved to a new version: rebase the patch on it " +
            "(apply it by hand in a copy of the tree, fix the rejects, regenerate it with diff -u).",
        );
      }
    }
    for (const rel of named) {
      const p = join(scratch, rel);
      if (existsSync(p)) want.set(rel, readFileSync(p));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return want;
}

/** The original content of a tree file: the backup if we modified it before, else the tree file. */
function pristinePath(tree: string, rel: string, manifest: Manifest): string | undefined {
  const entry = manifest.files[rel];
  if (entry?.created) return undefined;
  const backup = join(tree, ".iu", "orig", rel);
  if (existsSync(backup)) return backup;
  return join(tree, rel);
}

function writeIfChanged(path: string, content: Buffer): boolean {
  if (existsSync(path) && readFileSync(path).equals(content)) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return true;
}

/**
 * Brings the source tree to "pristine + the repo's changes", writing only files whose content
 * differs so that make rebuilds only what changed.
 */
export function syncKernelChanges(
  tree: string,
  log: (m: string) => void = () => {},
  changes = kernelDir(),
): number {
  const manifestPath = join(tree, ".iu", "manifest.json");
  const manifest: Manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest)
    : { files: {} };
  const want = desiredFiles(tree, manifest, changes);
  let changed = 0;
  // Restore files that earlier changes touched and the current ones do not.
  for (const [rel, entry] of Object.entries(manifest.files)) {
    if (want.has(rel)) continue;
    const p = join(tree, rel);
    if (entry.created) rmSync(p, { force: true });
    else writeIfChanged(p, readFileSync(join(tree, ".iu", "orig", rel)));
    delete manifest.files[rel];
    changed++;
  }
  for (const [rel, content] of want) {
    const p = join(tree, rel);
    if (!manifest.files[rel]) {
      const existed = existsSync(p);
      if (existed) {
        const backup = join(tree, ".iu", "orig", rel);
        mkdirSync(dirname(backup), { recursive: true });
        copyFileSync(p, backup);
      }
      manifest.files[rel] = { created: !existed };
    }
    if (writeIfChanged(p, content)) changed++;
  }
  mkdirSync(dirname(manifestPath), { recursive: true });
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  if (changed) log(`kernel changes: ${changed} file(s) updated in the source tree`);
  return changed;
}

/** Lines `CONFIG_X=...` / `# CONFIG_X is not set` of the fragments, as the build must have them. */
function requestedOptions(fragments: string[], extra: string[]): string[] {
  const lines = [...fragments.flatMap((f) => readFileSync(f, "utf8").split("\n")), ...extra];
  return lines
    .map((l) => l.trim())
    .filter((l) => /^CONFIG_\w+=/.test(l) || /^# CONFIG_\w+ is not set$/.test(l));
}

function configure(
  tree: string,
  build: string,
  fragments: string[],
  certPath: string,
  verbose: boolean,
  vanilla: boolean,
): void {
  const extra = [`CONFIG_SYSTEM_TRUSTED_KEYS="${certPath}"`];
  // The unpatched kernel has none of the project's options, nor what only they select.
  const projectOnly = /CONFIG_(BPF_IU|SYSTEM_DATA_VERIFICATION)\b/;
  const want = requestedOptions(fragments, extra).filter((l) => !(vanilla && projectOnly.test(l)));
  const stamp = createHash("sha256").update(want.join("\n")).update(tree).digest("hex");
  const stampPath = join(build, ".iu-config-stamp");
  if (
    existsSync(stampPath) &&
    readFileSync(stampPath, "utf8") === stamp &&
    existsSync(join(build, ".config"))
  ) {
    return;
  }
  const merged = join(build, ".iu-fragment.config");
  writeFileSync(merged, want.join("\n") + "\n");
  const stdio = verbose ? ("inherit" as const) : undefined;
  runChecked("make", ["-C", tree, `O=${build}`, "tinyconfig"], "make tinyconfig", stdio ? { stdio } : {});
  runChecked(
    join(tree, "scripts/kconfig/merge_config.sh"),
    ["-m", "-O", build, join(build, ".config"), merged],
    "merging the config fragment",
  );
  runChecked("make", ["-C", tree, `O=${build}`, "olddefconfig"], "make olddefconfig");
  const have = new Set(readFileSync(join(build, ".config"), "utf8").split("\n"));
  const missing = want.filter((l) => !have.has(l) && !(l.startsWith("# ") && !hasOptionSet(have, l)));
  if (missing.length) {
    throw new IuError(
      `the kernel config does not have these requested options (a dependency is missing or the ` +
        `option does not exist in this kernel):\n  ${missing.join("\n  ")}\n` +
        `Fix kernel/config/*.config; ${join(build, ".config")} shows what Kconfig chose.`,
    );
  }
  writeFileSync(stampPath, stamp);
}

function hasOptionSet(have: Set<string>, notSetLine: string): boolean {
  const name = /# (CONFIG_\w+) is not set/.exec(notSetLine)?.[1];
  return [...have].some((l) => l.startsWith(`${name}=`));
}

/** Runs make with a progress bar fed by the build's step lines (CC, LD, AR, ...). */
async function make(tree: string, build: string, verbose: boolean, log: (m: string) => void): Promise<void> {
  const stepsPath = join(build, ".iu-steps");
  const expected = existsSync(stepsPath) ? Number(readFileSync(stepsPath, "utf8")) || 1800 : 1800;
  const logPath = join(build, "iu-build.log");
  const out: string[] = [];
  const progress = verbose ? undefined : startProgress("kernel build", expected);
  let steps = 0;
  const jobs = String(cpus().length + 1);
  const code = await runLines(
    "make",
    ["-C", tree, `O=${build}`, `-j${jobs}`, "bzImage"],
    (line) => {
      out.push(line);
      if (verbose) process.stderr.write(line + "\n");
      const m = /^\s{2}([A-Z][A-Z0-9_]{1,10})\s+(\S+)/.exec(line);
      if (m) {
        steps++;
        progress?.update(steps, `${m[1]} ${m[2]}`);
      }
    },
    { env: { ...process.env, KBUILD_BUILD_USER: "iu", KBUILD_BUILD_HOST: "iu" } },
  );
  progress?.stop(code === 0);
  writeFileSync(logPath, out.join("\n") + "\n");
  if (code !== 0) {
    const errors = out.filter((l) => /error|Error \d|\*\*\*/.test(l)).slice(-25);
    throw new IuError(
      `the kernel build failed (make exited ${code}). Full log: ${logPath}\n` +
        (errors.length ? errors.join("\n") : out.slice(-30).join("\n")),
    );
  }
  if (steps > 100) writeFileSync(stepsPath, String(Math.max(steps, expected)));
  log(`kernel build: ${steps} steps`);
}

/** Builds (or finds in the cache) the kernel image for a flavour. */
export async function buildKernel(opts: KernelBuildOptions = {}): Promise<KernelImage> {
  const flavour = opts.flavour ?? "default";
  const log = opts.log ?? ((m: string) => process.stderr.write(`iu: ${m}\n`));
  const version = kernelSourceVersion();
  const key = ensureSigningKey();
  const cacheKey = kernelCacheKey(version, flavour, key.certPath);
  const imageDir = cacheDir("kernel", "images", cacheKey);
  const build = cacheDir("kernel", flavour === "default" ? "build" : `build-${flavour}`);
  const found = (cached: boolean): KernelImage => ({
    bzImage: join(imageDir, "bzImage"),
    vmlinux: join(build, "vmlinux"),
    release: readFileSync(join(imageDir, "release"), "utf8").trim(),
    key: cacheKey,
    cached,
  });
  if (!opts.force && existsSync(join(imageDir, "bzImage"))) return found(true);

  requirePackages("kernel");
  return withLock(cacheDir("kernel", "build.lock"), "a kernel build", async () => {
    if (!opts.force && existsSync(join(imageDir, "bzImage"))) return found(true);
    checkDiskSpace(cacheDir("kernel"), 4);
    // "vanilla" is Debian's kernel without the project's changes, for comparisons.
    const vanilla = flavour === "vanilla";
    const tree = ensureSourceTree(version, log, vanilla ? "-vanilla" : "");
    if (!vanilla) syncKernelChanges(tree, log);
    mkdirSync(build, { recursive: true });
    configure(tree, build, configFragments(flavour), key.certPath, !!opts.verbose, vanilla);
    await make(tree, build, !!opts.verbose, log);
    const release = readFileSync(join(build, "include/config/kernel.release"), "utf8").trim();
    const tmp = `${imageDir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    copyFileSync(join(build, "arch/x86/boot/bzImage"), join(tmp, "bzImage"));
    copyFileSync(join(build, ".config"), join(tmp, "config"));
    writeFileSync(join(tmp, "release"), release + "\n");
    rmSync(imageDir, { recursive: true, force: true });
    renameSync(tmp, imageDir);
    log(
      `kernel ${release} ready: ${join(imageDir, "bzImage")} (${(statSync(join(imageDir, "bzImage")).size / 2 ** 20).toFixed(1)} MiB)`,
    );
    return found(false);
  });
}

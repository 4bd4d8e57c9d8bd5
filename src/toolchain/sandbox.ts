/**
 * The compile sandbox: cargo, rustc and `iu test`'s test binaries run under bubblewrap
 * (Debian `bubblewrap`), in fresh namespaces (no network, own pid/ipc/uts), with no
 * capabilities, and see only /usr, a private /tmp, /proc, /dev/null and the directories
 * the caller lists. The home directory and the signing key are not there, so nothing a
 * program's source names (`include_bytes!` of any path) or a test runs can read them.
 * There is no unsandboxed fallback: when bwrap is missing or cannot set up the
 * namespaces, the step fails.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { IuError } from "../errors.js";

export const BWRAP = "/usr/bin/bwrap";
const BASH = "/usr/bin/bash";

export interface SandboxSpec {
  /** Directories (or files) visible read-only at the same path, besides /usr. */
  readOnly: string[];
  /** Directories visible read-write at the same path. */
  readWrite: string[];
  /** Paths that must not be visible (the signing key's directory): refused if a bound path contains them. */
  hidden: string[];
  /** Working directory inside the sandbox (must be one of the bound paths or below one). */
  cwd: string;
  /** The complete environment of the command. */
  env: NodeJS.ProcessEnv;
  timeout?: number;
}

export interface SandboxResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Set when the process was killed (timeout). */
  signal: NodeJS.Signals | null;
}

const inside = (p: string, dir: string): boolean =>
  p === dir || p.startsWith(dir.endsWith("/") ? dir : dir + "/");

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/**
 * Refuses a sandbox that would show a hidden path: a bound directory that contains it
 * (a crate at the home directory) or lies inside it.
 */
export function checkHidden(spec: Pick<SandboxSpec, "readOnly" | "readWrite" | "hidden">): void {
  for (const h of spec.hidden.map(real))
    for (const b of [...spec.readOnly, ...spec.readWrite].map(real))
      if (inside(h, b) || inside(b, h))
        throw new IuError(
          `the build sandbox would expose ${h} (the toolchain's signing key) through ${b}. ` +
            "Move the program crate (or IU_CACHE_DIR) out of the directory that holds the key, or the key out of it.",
        );
}

/** The bwrap arguments for `spec` (without the command). */
export function sandboxArgs(spec: SandboxSpec): string[] {
  const a = [
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
    "--ro-bind",
    "/usr",
    "/usr",
  ];
  // Merged-/usr systems have /bin, /lib, /lib64 as symlinks into /usr; others get read-only binds.
  for (const d of ["/bin", "/lib", "/lib64"]) {
    let st;
    try {
      st = lstatSync(d);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) a.push("--symlink", readlinkSync(d), d);
    else if (st.isDirectory()) a.push("--ro-bind", d, d);
  }
  // Only /dev/null: an endless device (/dev/zero, /dev/urandom) named by include_bytes!
  // would make rustc read until the machine runs out of memory.
  a.push("--proc", "/proc", "--tmpfs", "/dev", "--dev-bind", "/dev/null", "/dev/null", "--tmpfs", "/tmp");
  // Parents before children, so a read-write directory inside a read-only one stays writable.
  const binds = [
    ...spec.readOnly.map((p) => ["--ro-bind", real(p)]),
    ...spec.readWrite.map((p) => ["--bind", real(p)]),
  ].sort((x, y) => x[1].split("/").length - y[1].split("/").length || x[1].localeCompare(y[1]));
  for (const [how, p] of binds) a.push(how, p, p);
  a.push("--chdir", spec.cwd);
  return a;
}

/**
 * The address-space limit of sandboxed processes (KiB), 4 GiB: a cold build of core
 * passes under 3 GiB (checked); reading an endless /proc file (include_bytes! of
 * /proc/self/pagemap) then fails after a few seconds instead of exhausting the machine.
 */
export const MEMORY_LIMIT_KIB = 4 * 1024 * 1024;

/**
 * Runs `cmd args` in the sandbox. A small bash shim inside reports on fd 3 that the
 * sandbox was set up, closes every descriptor above 2 the caller may have inherited,
 * limits the address space, then execs the command: a missing report means bwrap
 * itself failed.
 */
export function runSandboxed(cmd: string, args: string[], spec: SandboxSpec): SandboxResult {
  if (!existsSync(BWRAP))
    throw new IuError(
      `${BWRAP} is missing: the toolchain compiles programs only inside a bubblewrap sandbox. ` +
        "Install it with `npx iu setup` (or `apt-get install bubblewrap` as root).",
    );
  checkHidden(spec);
  for (const p of [...spec.readOnly, ...spec.readWrite])
    if (!existsSync(p)) throw new IuError(`the build sandbox needs ${p}, which does not exist`);
  const shim =
    'printf ok >&3; for p in /proc/self/fd/*; do f=${p##*/}; [ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-"; done; ' +
    `ulimit -v ${MEMORY_LIMIT_KIB} || exit 125; exec "$0" "$@"`;
  const r = spawnSync(BWRAP, [...sandboxArgs(spec), "--", BASH, "-c", shim, cmd, ...args], {
    env: spec.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
    ...(spec.timeout ? { timeout: spec.timeout } : {}),
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT")
    throw new IuError(
      `${cmd} did not finish within ${Math.round((spec.timeout ?? 0) / 1000)} s in the build sandbox and was stopped ` +
        "(a program that makes the compiler read an endless file, or a test that never ends?)",
    );
  if (r.error) throw new IuError(`could not run ${BWRAP}: ${r.error.message}`);
  const ready = (r.output?.[3] as string | null | undefined) ?? "";
  if (ready !== "ok")
    throw new IuError(
      `bubblewrap could not create the build sandbox (exit ${r.status ?? r.signal}):\n${(r.stderr ?? "").trim()}\n` +
        "The toolchain does not compile outside the sandbox: bwrap needs root or unprivileged user " +
        "namespaces (sysctl kernel.unprivileged_userns_clone=1) to create one.",
    );
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", signal: r.signal };
}

/**
 * What goes into an image's `.iu.prov` record (src/object/prov.ts): this toolchain's
 * version, the SDK's version and a hash of its sources, rustc's version and the policy
 * generation. The kernel can then refuse images built by an older toolchain or SDK.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { IuError } from "../errors.js";
import { repoRoot } from "../env/paths.js";
import { IU_POLICY_VERSION, IU_PROV_STR_LEN, IU_REG_ALL, type Provenance } from "../object/prov.js";

const fit = (s: string): string => {
  let out = s;
  while (new TextEncoder().encode(out).length >= IU_PROV_STR_LEN) out = out.slice(0, -1);
  return out;
};

/** "iu " + package.json version. */
export function toolchainVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  return fit(`iu ${pkg.version}`);
}

function sdkFiles(dir: string, acc: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sdkFiles(p, acc);
    else if (e.isFile()) acc.push(p);
  }
  return acc;
}

/**
 * "iu-sdk " + sdk/Cargo.toml's version + "+" + the first 8 hex digits of a SHA-256 over
 * Cargo.toml and every file under src/, in sorted relative-path order, each hashed as
 * `path NUL length NUL contents`.
 */
export function sdkVersion(sdkDir: string): string {
  const manifest = readFileSync(join(sdkDir, "Cargo.toml"), "utf8");
  const version = /^\[package\][^[]*?^version\s*=\s*"([^"]+)"/ms.exec(manifest)?.[1];
  if (!version) throw new IuError(`${sdkDir}/Cargo.toml has no [package] version`);
  const files = [join(sdkDir, "Cargo.toml"), ...sdkFiles(join(sdkDir, "src"))]
    .map((f) => relative(sdkDir, f))
    .sort();
  const h = createHash("sha256");
  for (const f of files) {
    const data = readFileSync(join(sdkDir, f));
    h.update(`${f}\0${data.length}\0`).update(data);
  }
  return fit(`iu-sdk ${version}+${h.digest("hex").slice(0, 8)}`);
}

let rustcLine: string | undefined;

/** The first line of `rustc --version`, shortened to fit: "rustc 1.96.0 (ac68faa20)". */
export function rustcVersion(rustc: string): string {
  rustcLine ??= execFileSync(rustc, ["--version"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } })
    .split("\n")[0]
    .trim();
  const m = /^(\S+ \S+)(?: \((\S+)[^)]*\))?/.exec(rustcLine);
  if (!m) return fit(rustcLine);
  const withHash = m[2] ? `${m[1]} (${m[2]})` : m[1];
  return fit(new TextEncoder().encode(withHash).length < IU_PROV_STR_LEN ? withHash : m[1]);
}

/** The record before the code is looked at: every callee-saved register used, no stack bound. */
export function buildProvenance(sdkDir: string, rustc: string): Provenance {
  return {
    policy: IU_POLICY_VERSION,
    toolchain: toolchainVersion(),
    sdk: sdkVersion(sdkDir),
    rustc: rustcVersion(rustc),
    clobbers: IU_REG_ALL,
    stack: 0,
  };
}

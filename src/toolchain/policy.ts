/**
 * The safety policy for user crates (docs/TOOLCHAIN.md). Three layers:
 *  1. checks of the build inputs: environment, `.cargo/config*`, the manifest (through
 *     `cargo metadata`), build scripts, dependencies;
 *  2. a cheap token scan of the crate's Rust sources (comments and literals skipped);
 *  3. compiler lints on the user crate only (`-F unsafe_code -Zallow-features=`), whose
 *     diagnostics are mapped back to rules by `ruleForDiagnostic`.
 * Every violation names its rule and a file:line.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { homedir } from "node:os";
import { IuError } from "../errors.js";

export const RULES = {
  "unsafe-code":
    "unsafe code (unsafe blocks, fns, impls, traits, extern blocks marked unsafe, #[no_mangle], #[link_section], #[export_name], asm!/global_asm!) is not allowed in programs",
  "extern-block":
    "extern blocks and #[link] attributes are not allowed: programs reach the kernel only through the SDK",
  "unstable-feature": "unstable features (#![feature]) are not allowed in programs",
  "no-std": "programs must be #![no_std] and may not use the std crate",
  "no-alloc": "programs may not use the alloc crate",
  "panic-handler": "programs may not define a panic handler: the SDK's hands panics to the kernel runtime",
  "target-feature": "#[target_feature] is not allowed: kernel code must not use SIMD/FPU registers",
  "macro-attribute":
    "attributes built from macro metavariables (#[$a], #[cfg_attr(.., $a)]) are not allowed: every attribute must be visible in the source",
  "source-files":
    "include!() and #[path] are not allowed: the program's sources are the .rs files of its crate, and the compiler may read no file outside the crate",
  "sdk-internal":
    "names starting with __iu are the SDK's internal macros, modules and functions; programs use only its public API",
  dependency: "only the SDK (`iu`) may be a dependency",
  "build-script":
    "build scripts (build.rs, package.build, package.links) are not allowed: they could add flags, link inputs or cargo: directives",
  "cargo-config":
    "a .cargo/config(.toml) in the crate or its parents is not allowed: the toolchain decides every flag and link input",
  environment: "environment variables that change rustc flags, the compiler, or the linker are not allowed",
  "link-input":
    "the compiled library contains an object that was not compiled from the program, the SDK or core (a native library linked in)",
  manifest:
    "the Cargo.toml declares something the toolchain does not build (only [package], [dependencies] and a plain [lib] are used)",
} as const;

export type Rule = keyof typeof RULES;

export interface Violation {
  rule: Rule;
  file: string;
  line: number;
  col: number;
  detail: string;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}:${v.col}: [${v.rule}] ${v.detail}`;
}

/** Thrown when the policy rejects a crate; nothing is linked or signed. */
export class PolicyError extends IuError {
  constructor(readonly violations: Violation[]) {
    super(
      `the program breaks the toolchain policy (${violations.length} violation${violations.length === 1 ? "" : "s"}):\n` +
        violations.map((v) => "  " + formatViolation(v)).join("\n") +
        '\nFix: remove the listed constructs; see docs/TOOLCHAIN.md ("Policy") for each rule.',
    );
    this.name = "PolicyError";
  }
  get rules(): Rule[] {
    return [...new Set(this.violations.map((v) => v.rule))];
  }
}

// ---------------------------------------------------------------- environment

const ENV_EXACT = new Set([
  "RUSTFLAGS",
  "CARGO_ENCODED_RUSTFLAGS",
  "CARGO_BUILD_RUSTFLAGS",
  "RUSTC",
  "RUSTC_WRAPPER",
  "RUSTC_WORKSPACE_WRAPPER",
  "CARGO_BUILD_RUSTC",
  "CARGO_BUILD_RUSTC_WRAPPER",
  "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
  "RUSTC_LINKER",
  "CARGO_BUILD_TARGET",
]);
const ENV_PATTERNS = [
  /^CARGO_TARGET_.+_(RUSTFLAGS|LINKER|RUNNER)$/,
  /^CARGO_PROFILE_.+_(RUSTFLAGS|LTO|CODEGEN_BACKEND)$/,
];

export function checkEnvironment(env: NodeJS.ProcessEnv): Violation[] {
  return Object.keys(env)
    .filter((k) => env[k] !== undefined && (ENV_EXACT.has(k) || ENV_PATTERNS.some((p) => p.test(k))))
    .sort()
    .map((k) => ({
      rule: "environment" as const,
      file: "<environment>",
      line: 0,
      col: 0,
      detail: `${k} is set; unset it (the toolchain chooses the compiler, its flags and the linker)`,
    }));
}

// ---------------------------------------------------------------- cargo config

/** Looks for .cargo/config(.toml) in `dir` and its parents (the user's ~/.cargo is Cargo's own home and is never read by the build). */
export function checkCargoConfig(dir: string): Violation[] {
  const out: Violation[] = [];
  const skip = new Set([join(homedir(), ".cargo"), process.env.CARGO_HOME ?? ""].filter(Boolean));
  let d = resolve(dir);
  for (;;) {
    const cd = join(d, ".cargo");
    if (!skip.has(cd))
      for (const f of ["config.toml", "config"]) {
        const p = join(cd, f);
        if (existsSync(p) && statSync(p).isFile())
          out.push({
            rule: "cargo-config",
            file: p,
            line: 1,
            col: 1,
            detail: "cargo configuration could inject rustflags, a linker or link arguments; delete it",
          });
      }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return out;
}

// ---------------------------------------------------------------- manifest

export interface CargoMetadataPackage {
  name: string;
  edition: string;
  manifest_path: string;
  links: string | null;
  dependencies: {
    name: string;
    rename: string | null;
    kind: string | null;
    path?: string;
    source: string | null;
    target: string | null;
  }[];
  targets: { kind: string[]; crate_types: string[]; name: string; src_path: string }[];
}

function lineOf(text: string, re: RegExp): number {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => re.test(l));
  return i < 0 ? 1 : i + 1;
}

export function checkManifest(pkg: CargoMetadataPackage, sdkDir: string): Violation[] {
  const out: Violation[] = [];
  const file = pkg.manifest_path;
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const at = (rule: Rule, re: RegExp, detail: string): void => {
    out.push({ rule, file, line: lineOf(text, re), col: 1, detail });
  };
  const crateDir = dirname(file);
  if (pkg.targets.some((t) => t.kind.includes("custom-build")) || existsSync(join(crateDir, "build.rs")))
    at(
      "build-script",
      /^\s*build\s*=|^\s*\[package\]/,
      "the crate has a build script; remove build.rs / package.build",
    );
  if (pkg.links) at("build-script", /^\s*links\s*=/, `package.links = "${pkg.links}" is not allowed`);
  const sdk = realpathSync(sdkDir);
  for (const d of pkg.dependencies) {
    const shown = d.rename ?? d.name;
    const re = new RegExp(`^\\s*${shown.replace(/[-_]/g, "[-_]")}\\s*=|\\[.*dependencies\\.${shown}\\]`);
    if (d.kind === "dev" || d.kind === "build") {
      at("dependency", re, `${d.kind}-dependency ${shown} is not allowed`);
      continue;
    }
    if (d.target) {
      at("manifest", re, `target-specific dependency ${shown} is not allowed`);
      continue;
    }
    const isSdk =
      d.name === "iu" && d.path !== undefined && existsSync(d.path) && realpathSync(d.path) === sdk;
    if (!isSdk)
      at(
        "dependency",
        re,
        d.name === "iu"
          ? `iu must be the toolchain's SDK by path (${sdk}), not ${d.path ?? d.source ?? "a registry crate"}`
          : `dependency ${shown} is not on the allow-list (only the SDK, iu = { path = "${sdk}" })`,
      );
  }
  const lib = pkg.targets.find((t) => t.kind.some((k) => k === "lib" || k === "rlib" || k === "proc-macro"));
  if (["iu", "core", "std", "alloc", "compiler_builtins", "compiler-builtins"].includes(pkg.name))
    at(
      "manifest",
      /^\s*name\s*=/,
      `the package name ${pkg.name} is reserved for the SDK and Rust's own crates`,
    );
  if (!lib) at("manifest", /^\s*\[package\]/, "the crate has no library target (src/lib.rs)");
  else if (!realpathSync(lib.src_path).startsWith(realpathSync(crateDir) + "/"))
    at("source-files", /^\s*path\s*=/, `the library root ${lib.src_path} lies outside the crate`);
  else if (lib.kind.includes("proc-macro"))
    at("manifest", /proc-macro/, "proc-macro crates are not programs");
  return out;
}

// ---------------------------------------------------------------- source scan

interface Token {
  kind: "ident" | "punct" | "literal" | "lifetime";
  text: string;
  line: number;
  col: number;
}

/** Tokenises Rust source well enough to find keywords, attributes and macros: skips comments, strings, chars. */
export function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = src.length;
  const adv = (to: number): void => {
    for (; i < to && i < n; i++)
      if (src[i] === "\n") {
        line++;
        lineStart = i + 1;
      }
  };
  const isIdStart = (c: string): boolean => /[A-Za-z_\u0080-\uffff]/.test(c);
  const isId = (c: string): boolean => /[A-Za-z0-9_\u0080-\uffff]/.test(c);
  while (i < n) {
    const c = src[i];
    const col = i - lineStart + 1;
    if (c === "\n" || c === " " || c === "\t" || c === "\r") {
      adv(i + 1);
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      const e = src.indexOf("\n", i);
      adv(e < 0 ? n : e);
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (src[j] === "/" && src[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (src[j] === "*" && src[j + 1] === "/") {
          depth--;
          j += 2;
        } else j++;
      }
      adv(j);
      continue;
    }
    // raw strings r"..", r#".."#, br#".."#, cr".."
    const raw = /^(?:b|c)?r(#*)"/.exec(src.slice(i, i + 260));
    if (raw) {
      const close = '"' + raw[1];
      const e = src.indexOf(close, i + raw[0].length);
      const end = e < 0 ? n : e + close.length;
      toks.push({ kind: "literal", text: src.slice(i, end), line, col });
      adv(end);
      continue;
    }
    if (c === '"' || ((c === "b" || c === "c") && src[i + 1] === '"')) {
      let j = c === '"' ? i + 1 : i + 2;
      while (j < n && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      toks.push({ kind: "literal", text: src.slice(i, j + 1), line, col });
      adv(j + 1);
      continue;
    }
    if (c === "'" || (c === "b" && src[i + 1] === "'")) {
      const s = c === "b" ? i + 1 : i;
      // char literal 'x', '\n', '\u{..}' vs lifetime 'a
      const m = /^'(?:\\(?:u\{[0-9a-fA-F_]+\}|x[0-9a-fA-F]{2}|.)|[^'\\\n])'/u.exec(src.slice(s, s + 16));
      if (m) {
        toks.push({ kind: "literal", text: src.slice(i, s + m[0].length), line, col });
        adv(s + m[0].length);
        continue;
      }
      let j = s + 1;
      while (j < n && isId(src[j])) j++;
      toks.push({ kind: "lifetime", text: src.slice(s, j), line, col });
      adv(j);
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isId(src[j])) j++;
      let text = src.slice(i, j);
      if (text === "r" && src[j] === "#" && isIdStart(src[j + 1] ?? "")) {
        let k = j + 1;
        while (k < n && isId(src[k])) k++;
        text = src.slice(j + 1, k);
        j = k;
      }
      toks.push({ kind: "ident", text, line, col });
      adv(j);
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(src[j]) && !(src[j] === "." && src[j + 1] === ".")) j++;
      toks.push({ kind: "literal", text: src.slice(i, j), line, col });
      adv(j);
      continue;
    }
    toks.push({ kind: "punct", text: c, line, col });
    adv(i + 1);
  }
  return toks;
}

const UNSAFE_ATTRS = new Set(["no_mangle", "link_section", "export_name", "naked", "ffi_pure", "ffi_const"]);
const ASM_MACROS = new Set(["asm", "global_asm", "naked_asm", "llvm_asm"]);

/** Scans one file's tokens. `isRoot` marks the crate root (lib.rs), which must say #![no_std]. */
export function scanSource(src: string, file: string, isRoot: boolean): Violation[] {
  const t = tokenize(src);
  const out: Violation[] = [];
  const v = (rule: Rule, tok: Token, detail: string): void => {
    out.push({ rule, file, line: tok.line, col: tok.col, detail });
  };
  let noStd = false;
  const attrRanges: [number, number][] = [];
  const inAttr = (k: number): boolean => attrRanges.some(([a, b]) => k >= a && k <= b);
  for (let k = 0; k < t.length; k++) {
    const a = t[k];
    const b = t[k + 1];
    const c = t[k + 2];
    if (a.kind === "ident") {
      if (a.text === "unsafe") v("unsafe-code", a, "`unsafe` is not allowed");
      if (a.text.startsWith("__iu"))
        v("sdk-internal", a, `\`${a.text}\` is internal to the SDK; use its public macros and types`);
      if (a.text === "extern") {
        let j = k + 1;
        if (t[j]?.kind === "literal") j++;
        if (t[j]?.text === "{") v("extern-block", a, "extern block");
        if (t[j]?.text === "crate" && t[j + 1]) {
          const name = t[j + 1].text;
          if (name === "std") v("no-std", a, "`extern crate std`");
          else if (name === "alloc") v("no-alloc", a, "`extern crate alloc`");
          else if (name !== "core" && name !== "iu" && name !== "self")
            v("dependency", a, `\`extern crate ${name}\`: only core and iu may be used`);
        }
      }
      if (b?.text === "!" && ASM_MACROS.has(a.text) && t[k - 1]?.text !== "#")
        v("unsafe-code", a, `${a.text}! is not allowed`);
      if (a.text === "include") v("source-files", a, "include!() is not allowed (nor the name `include`)");
      if (a.text === "target_feature" && b?.text === "(" && !inAttr(k))
        v("target-feature", a, "target_feature(...) is not allowed");
      if (
        (a.text === "alloc" || a.text === "std") &&
        b?.text === ":" &&
        c?.text === ":" &&
        t[k - 1]?.text !== ":"
      )
        v(a.text === "std" ? "no-std" : "no-alloc", a, `path through the ${a.text} crate`);
    }
    // attributes: #[...] and #![...]
    if (a.text === "#" && (b?.text === "[" || (b?.text === "!" && c?.text === "["))) {
      const inner = b.text === "!";
      let j = k + (inner ? 3 : 2);
      // first path of the attribute, possibly wrapped in unsafe(...)
      let name = t[j]?.text ?? "";
      if (name === "unsafe" && t[j + 1]?.text === "(") {
        j += 2;
        name = t[j]?.text ?? "";
      }
      const at = t[j] ?? a;
      // attribute body range, to look for target_feature/link/path inside cfg_attr
      let depth = 0;
      let end = k + (inner ? 2 : 1);
      for (; end < t.length; end++) {
        if (t[end].text === "[") depth++;
        else if (t[end].text === "]" && --depth === 0) break;
      }
      const body = t.slice(k, end + 1);
      attrRanges.push([k, end]);
      const dollar = body.find((x) => x.text === "$");
      if (dollar) v("macro-attribute", dollar, "attribute built from a macro metavariable");
      const has = (id: string): Token | undefined =>
        body.find((x, q) => x.kind === "ident" && x.text === id && body[q - 1]?.text !== "=");
      if (UNSAFE_ATTRS.has(name)) v("unsafe-code", at, `#[${name}] is not allowed`);
      for (const u of UNSAFE_ATTRS)
        if (u !== name && has(u)) v("unsafe-code", has(u)!, `#[${u}] is not allowed`);
      if (name === "feature" && inner) v("unstable-feature", at, "#![feature] is not allowed");
      if (has("panic_handler")) v("panic-handler", has("panic_handler")!, "#[panic_handler] is not allowed");
      const tf = has("target_feature");
      if (tf && body[body.indexOf(tf) + 1]?.text === "(")
        v("target-feature", tf, "#[target_feature] is not allowed");
      const lk = has("link");
      if (lk && body[body.indexOf(lk) + 1]?.text === "(")
        v("extern-block", lk, "#[link(...)] is not allowed");
      const ph = has("path");
      if (ph && body[body.indexOf(ph) + 1]?.text === "=") v("source-files", ph, "#[path] is not allowed");
      if (inner && name === "no_std") noStd = true;
      if (inner && (name === "no_core" || name === "no_main"))
        v("unstable-feature", at, `#![${name}] is not allowed`);
    }
  }
  if (isRoot && !noStd)
    out.push({ rule: "no-std", file, line: 1, col: 1, detail: "the crate root must start with #![no_std]" });
  // Items under exactly #[cfg(test)] are never compiled into an image: host tests (iu test)
  // may use std there. Every other rule still applies to them.
  const tests = cfgTestRanges(t);
  const after = (x: Violation, a: Token): boolean => x.line > a.line || (x.line === a.line && x.col >= a.col);
  const before = (x: Violation, b: Token): boolean =>
    x.line < b.line || (x.line === b.line && x.col <= b.col);
  const inTest = (x: Violation): boolean => tests.some(([a, b]) => after(x, a) && before(x, b));
  return out.filter(
    (x) =>
      !(
        (x.rule === "no-std" || x.rule === "no-alloc") &&
        !x.detail.startsWith("the crate root") &&
        inTest(x)
      ),
  );
}

/** Token ranges of the items annotated `#[cfg(test)]` (attribute to the item's closing brace or `;`). */
function cfgTestRanges(t: Token[]): [Token, Token][] {
  const out: [Token, Token][] = [];
  for (let k = 0; k + 6 < t.length; k++) {
    const seq = t.slice(k, k + 7).map((x) => x.text);
    if (seq.join(" ") !== "# [ cfg ( test ) ]") continue;
    let depth = 0;
    let j = k + 7;
    for (; j < t.length; j++) {
      const x = t[j].text;
      if (x === "{") depth++;
      else if (x === "}" && --depth === 0) break;
      else if (x === ";" && depth === 0) break;
    }
    out.push([t[k], t[Math.min(j, t.length - 1)]]);
  }
  return out;
}

/**
 * The crate's .rs files. Skipped: the crate's own top-level target/ (cargo's output; a
 * `target` directory anywhere else is scanned like any other) and dot-directories
 * (.git; no module path can name them). What the compiler really read is checked after
 * the compile against this list (checkDepInfo).
 */
function rustFiles(dir: string, top: boolean, acc: string[] = [], symlinks: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if ((top && e.name === "target") || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) symlinks.push(p);
    else if (e.isDirectory()) rustFiles(p, false, acc, symlinks);
    else if (e.isFile() && e.name.endsWith(".rs")) acc.push(p);
  }
  return acc;
}

/** Scans every .rs file of the crate (outside its top-level target/ and dot-directories). */
export function scanCrate(crateDir: string, rootFile: string): Violation[] {
  return scanCrateFiles(crateDir, rootFile).violations;
}

/** scanCrate, also returning the files it scanned (absolute paths). */
export function scanCrateFiles(
  crateDir: string,
  rootFile: string,
): { violations: Violation[]; files: string[] } {
  const root = realpathSync(rootFile);
  const out: Violation[] = [];
  const links: string[] = [];
  const files = rustFiles(crateDir, true, [], links).sort();
  for (const l of links)
    out.push({
      rule: "source-files",
      file: l,
      line: 0,
      col: 0,
      detail: "symbolic links are not allowed in a program crate",
    });
  for (const f of files)
    out.push(
      ...scanSource(readFileSync(f, "utf8"), relative(process.cwd(), f) || f, realpathSync(f) === root),
    );
  return { violations: out, files };
}

// ---------------------------------------------------------------- what the compiler read

/** The prerequisites of a Makefile-style dep-info file as rustc writes it (`\\ ` escapes a space). */
export function parseDepInfo(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const toks: string[] = [];
    let cur = "";
    for (let i = 0; i < line.length; i++) {
      if (line[i] === "\\" && i + 1 < line.length) cur += line[++i];
      else if (line[i] === " ") {
        if (cur) toks.push(cur);
        cur = "";
      } else cur += line[i];
    }
    if (cur) toks.push(cur);
    // "target: prereq ...": the first token is the target.
    if (!toks[0]?.endsWith(":")) continue;
    for (const t of toks.slice(1)) out.add(t);
  }
  return [...out];
}

/**
 * Checks every file rustc read for the user crate (its dep-info) after the compile: each
 * must be a regular file inside the crate, reached without a symbolic link, and covered
 * by the source scan. A .rs file outside the scanned list (under the top-level target/
 * or a dot-directory) is refused; any other file (include_bytes!/include_str! data) is
 * scanned here like source when it is UTF-8 text, since only UTF-8 could have been
 * compiled as a module. Files outside the crate (another path the sandbox shows, such
 * as the SDK or /usr) are refused by name.
 */
export function checkDepInfo(
  depFile: string,
  crateDir: string,
  scanned: string[],
  rootFile: string,
  cwd: string,
  /** `dev:ino` of files that must never be read (the signing key), whatever their name. */
  forbidden: Set<string> = new Set(),
): Violation[] {
  const out: Violation[] = [];
  const bad = (file: string, detail: string): void => {
    out.push({ rule: "source-files", file, line: 0, col: 0, detail });
  };
  const scannedSet = new Set(scanned);
  const root = realpathSync(rootFile);
  for (const dep of parseDepInfo(readFileSync(depFile, "utf8"))) {
    const p = resolve(cwd, dep);
    if (!p.startsWith(crateDir + "/")) {
      bad(p, "the compiler read this file (include_bytes!, include_str!), which lies outside the crate");
      continue;
    }
    let cur = crateDir;
    let link = "";
    for (const part of relative(crateDir, p).split("/")) {
      cur = join(cur, part);
      let st;
      try {
        st = lstatSync(cur);
      } catch {
        link = `${cur} does not exist`;
        break;
      }
      if (st.isSymbolicLink()) {
        link = `${cur} is a symbolic link`;
        break;
      }
    }
    if (link) {
      bad(p, `the compiler read this file, but ${link}`);
      continue;
    }
    const st = lstatSync(p);
    if (!st.isFile()) {
      bad(p, "the compiler read this path, which is not a regular file");
      continue;
    }
    if (forbidden.has(`${st.dev}:${st.ino}`)) {
      bad(p, "the compiler read this file, which is a hard link to the toolchain's signing key");
      continue;
    }
    if (scannedSet.has(p)) continue;
    if (p.endsWith(".rs")) {
      bad(
        p,
        "the compiler read this .rs file, which the source scan does not cover (it lies under target/ or a dot-directory)",
      );
      continue;
    }
    const bytes = readFileSync(p);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      continue; // not UTF-8: data only, rustc cannot compile it as source
    }
    for (const v of scanSource(text, relative(process.cwd(), p) || p, p === root))
      out.push({ ...v, detail: `${v.detail} (the compiler read this file, so it is scanned like source)` });
  }
  return out;
}

/**
 * The file a `couldn't read` compiler error names when it lies outside the crate: inside
 * the build sandbox every such path (the signing key, /etc/passwd, the home directory)
 * does not exist, so the compile fails there; the toolchain reports it as a policy error.
 */
export function unreadableOutsideCrate(d: RustcDiagnostic, crateDir: string, cwd: string): string | null {
  const m = /^couldn't read `([^`]+)`/.exec(d.message);
  if (!m) return null;
  const p = resolve(cwd, m[1]);
  return p.startsWith(crateDir + "/") ? null : p;
}

// ---------------------------------------------------------------- link inputs

/** Every member of the static library must be a codegen unit of the program, the SDK, core or compiler_builtins. */
export function checkArchiveMembers(members: string[], crateName: string, archive: string): Violation[] {
  const crates = [crateName.replace(/-/g, "_"), "iu", "core", "compiler_builtins"];
  const ok = new RegExp(`^(${crates.join("|")})-[0-9a-f]+\\.[^/]*\\.rcgu\\.o$`);
  return members
    .filter((m) => !ok.test(m))
    .map((m) => ({
      rule: "link-input" as const,
      file: archive,
      line: 0,
      col: 0,
      detail: `archive member ${m} is not compiled Rust from the program, the SDK or core`,
    }));
}

// ---------------------------------------------------------------- compiler diagnostics

export interface RustcSpan {
  file_name: string;
  line_start: number;
  column_start: number;
  is_primary: boolean;
  expansion?: { span: RustcSpan; macro_decl_name: string } | null;
}

export interface RustcDiagnostic {
  message: string;
  code: { code: string } | null;
  level: string;
  spans: RustcSpan[];
  rendered: string | null;
}

/** The span in the user's crate: follows macro expansions out of the SDK to the call site. */
export function userSpan(span: RustcSpan | undefined, crateDir: string): RustcSpan | undefined {
  let s = span;
  const inCrate = (x: RustcSpan): boolean => resolve(crateDir, x.file_name).startsWith(crateDir + "/");
  while (s && !inCrate(s) && s.expansion?.span) s = s.expansion.span;
  return s && inCrate(s) ? s : span;
}

/** Maps a compiler error on the user crate to a policy rule, or null for an ordinary compile error. */
export function ruleForDiagnostic(d: RustcDiagnostic): Rule | null {
  const code = d.code?.code ?? "";
  const m = d.message;
  if (code === "unsafe_code") return "unsafe-code";
  if (code === "E0133") return "unsafe-code";
  if (code === "E0725" || /not in the list of allowed features|unstable|#!\[feature\]/.test(m))
    return "unstable-feature";
  if (code === "E0463" && /`std`/.test(m)) return "no-std";
  if (code === "E0463" && /`alloc`/.test(m)) return "no-alloc";
  if (code === "E0152" && /panic_impl/.test(m)) return "panic-handler";
  if (/panic_handler/.test(m)) return "panic-handler";
  if (/target_feature/.test(m)) return "target-feature";
  return null;
}

/**
 * eBPF twins: C programs compiled with clang for the bpf target, the way every sample,
 * benchmark and loader fixture builds its eBPF counterpart.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { IuError } from "../errors.js";

export interface EbpfCompileOptions {
  /** Extra include directories. */
  includes?: string[];
  /** Preprocessor definitions, NAME or NAME=VALUE. */
  defines?: string[];
}

/** The clang command line: -O2 -g -target bpf, the multiarch include dir for asm/ headers. */
export function ebpfClangArgs(src: string, out: string, opts: EbpfCompileOptions = {}): string[] {
  return [
    "-O2",
    "-g",
    "-target",
    "bpf",
    `-I/usr/include/${process.arch === "x64" ? "x86_64" : "aarch64"}-linux-gnu`,
    ...(opts.includes ?? []).flatMap((d) => ["-I", d]),
    ...(opts.defines ?? []).map((d) => `-D${d}`),
    "-c",
    src,
    "-o",
    out,
  ];
}

/** Compiles one eBPF C file to an object; the error carries clang's diagnostics. */
export function compileEbpf(src: string, out: string, opts: EbpfCompileOptions = {}): string {
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync("clang", ebpfClangArgs(src, out, opts), { encoding: "utf8" });
  if (r.error) throw new IuError(`clang is not installed (run \`npx iu setup\`): ${r.error.message}`);
  if (r.status !== 0) throw new IuError(`clang -target bpf ${src} failed:\n${r.stderr}`);
  return out;
}

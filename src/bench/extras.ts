/**
 * Load time against program size: eBPF programs of growing size up to the verifier's
 * limit (straight-line ALU code generated as instructions here: the verifier and the JIT
 * see every one) against native images of growing size (generated Rust crates: chains of
 * non-inlined functions, built and signed by the toolchain on the host). Each load is
 * timed in the guest around the BPF_PROG_LOAD system call.
 */
import { errorText } from "../errors.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../env/paths.js";
import { BpfProgram } from "../loader/index.js";
import { ProgType } from "../loader/attr.js";
import { build } from "../toolchain/build.js";
import { runRunaway } from "./runaway.js";
import { median } from "./stats.js";
import type { ExtrasConfig, ExtrasResult, GuestConfig, LoadTimePoint, NativeSizeCase } from "./types.js";

/** The largest program the verifier takes (BPF_COMPLEXITY_LIMIT_INSNS, privileged). */
export const EBPF_INSN_LIMIT = 1_000_000;

/** Sizes for the load-time workload. */
export function loadTimeSizes(quick: boolean): {
  ebpfInsns: number[];
  nativeFunctions: number[];
  reps: number;
} {
  return quick
    ? { ebpfInsns: [64, 4096, 32_768], nativeFunctions: [1, 64, 256], reps: 1 }
    : {
        ebpfInsns: [64, 1024, 16_384, 131_072, EBPF_INSN_LIMIT],
        nativeFunctions: [1, 16, 256, 1024, 4096],
        reps: 3,
      };
}

/** One eBPF instruction (struct bpf_insn). */
function insn(code: number, dst: number, src: number, off: number, imm: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = code;
  b[1] = (src << 4) | dst;
  b.writeInt16LE(off, 2);
  b.writeInt32LE(imm, 4);
  return b;
}

/** `r0 = 0; r0 += k; r0 ^= k; ...; r0 = XDP_PASS; exit`, exactly `n` instructions (n >= 3). */
export function straightLineProgram(n: number): Buffer {
  const out = Buffer.alloc(n * 8);
  insn(0xb7, 0, 0, 0, 0).copy(out, 0); // mov64 r0, 0
  for (let i = 1; i < n - 2; i++) insn(i % 2 ? 0x07 : 0xa7, 0, 0, 0, (i * 2654435761) | 0).copy(out, i * 8); // add64 / xor64 r0, imm
  insn(0xb7, 0, 0, 0, 2).copy(out, (n - 2) * 8); // mov64 r0, XDP_PASS
  insn(0x95, 0, 0, 0, 0).copy(out, (n - 1) * 8); // exit
  return out;
}

/** Source of a native XDP program with `functions` chained non-inlined functions of 16 steps each. */
export function generatedNativeSource(functions: number): string {
  const lines = ["#![no_std]", "use iu::prelude::*;", ""];
  let seed = 0x9e3779b9;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  for (let f = 0; f < functions; f++) {
    lines.push("#[inline(never)]", `fn f${f}(x: u64) -> u64 {`, "    let mut x = x;");
    for (let s = 0; s < 16; s++) {
      const a = `0x${next().toString(16)}_${next().toString(16).padStart(8, "0")}`;
      const m = `0x${next().toString(16)}_${((next() | 1) >>> 0).toString(16).padStart(8, "0")}`;
      lines.push(`    x = (x ^ ${a}).wrapping_mul(${m}).rotate_left(${((s * 7) % 63) + 1});`);
    }
    lines.push(f + 1 < functions ? `    f${f + 1}(x)` : "    x", "}", "");
  }
  lines.push(
    "fn load_gen(ctx: &mut XdpContext) -> XdpAction {",
    "    if f0(ctx.len() as u64) == 7 {",
    "        XdpAction::Drop",
    "    } else {",
    "        XdpAction::Pass",
    "    }",
    "}",
    "",
    "iu::xdp!(load_gen);",
    "",
  );
  return lines.join("\n");
}

/** Host side: generate and build the native images of growing size (under out/, not committed). */
export function prepareExtras(quick: boolean, log: (s: string) => void): ExtrasConfig {
  const sizes = loadTimeSizes(quick);
  const native: NativeSizeCase[] = [];
  for (const functions of sizes.nativeFunctions) {
    const dir = join(repoRoot, "out", "bench-gen", `load_${functions}`);
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(
      join(dir, "Cargo.toml"),
      `[package]\nname = "bench_load_${functions}"\nversion = "0.1.0"\nedition = "2024"\n\n` +
        `[dependencies]\niu = { path = ${JSON.stringify(join(repoRoot, "sdk"))} }\n`,
    );
    const src = generatedNativeSource(functions);
    const lib = join(dir, "src", "lib.rs");
    let old = "";
    try {
      old = readFileSync(lib, "utf8");
    } catch {
      // first time
    }
    if (old !== src) writeFileSync(lib, src);
    log(`iu bench: building a native image with ${functions} generated functions`);
    const r = build(dir);
    const text = r.image.segments.find((s) => s.perms.includes("x"));
    native.push({ image: r.out, functions, codeBytes: text?.memsz ?? 0, imageBytes: r.size });
  }
  return { loadTime: { ebpfInsns: sizes.ebpfInsns, native, reps: sizes.reps } };
}

function timeMs(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function loadTime(cfg: NonNullable<ExtrasConfig["loadTime"]>, log: (s: string) => void): LoadTimePoint[] {
  const points: LoadTimePoint[] = [];
  // Warm-up outside the measurement: the first system calls JIT-compile the loader's code.
  if (cfg.native.length) {
    const image = readFileSync(cfg.native[0].image);
    for (let i = 0; i < 3; i++) {
      BpfProgram.loadEbpf({ insns: straightLineProgram(64), progType: ProgType.XDP, name: "warm" }).close();
      BpfProgram.loadNative({ image, entry: "load_gen", progType: ProgType.XDP, mapFds: [] }).close();
    }
  }
  for (const n of cfg.ebpfInsns) {
    const insns = straightLineProgram(n);
    const p: LoadTimePoint = { kind: "eBPF", size: 0, units: n, ms: NaN, samples: [] };
    try {
      for (let r = 0; r < (n >= 100_000 ? 1 : cfg.reps); r++) {
        let prog: BpfProgram | undefined;
        p.samples.push(
          timeMs(() => (prog = BpfProgram.loadEbpf({ insns, progType: ProgType.XDP, name: "load_gen" }))),
        );
        p.size = prog!.info.jitedLen;
        prog!.close();
      }
    } catch (e) {
      p.error = errorText(e);
    }
    p.ms = median(p.samples);
    log(
      `load time: eBPF ${n} insns (${p.size} bytes jited): ${p.ms.toFixed(2)} ms${p.error ? ` (${p.error})` : ""}`,
    );
    points.push(p);
  }
  for (const c of cfg.native) {
    const image = readFileSync(c.image);
    const p: LoadTimePoint = { kind: "native", size: c.codeBytes, units: c.functions, ms: NaN, samples: [] };
    try {
      for (let r = 0; r < cfg.reps; r++) {
        let prog: BpfProgram | undefined;
        p.samples.push(
          timeMs(
            () =>
              (prog = BpfProgram.loadNative({
                image,
                entry: "load_gen",
                progType: ProgType.XDP,
                mapFds: [],
              })),
          ),
        );
        prog!.close();
      }
    } catch (e) {
      p.error = errorText(e);
    }
    p.ms = median(p.samples);
    log(
      `load time: native ${c.functions} functions (${c.codeBytes} bytes of code, image ${c.imageBytes}): ${p.ms.toFixed(2)} ms${p.error ? ` (${p.error})` : ""}`,
    );
    points.push(p);
  }
  return points;
}

export async function runExtras(
  cfg: ExtrasConfig,
  _g: GuestConfig,
  log: (s: string) => void,
): Promise<ExtrasResult> {
  const out: ExtrasResult = {};
  if (cfg.loadTime)
    out.loadTime = {
      points: loadTime(cfg.loadTime, log),
      ebpfLimit: `${EBPF_INSN_LIMIT} instructions (BPF_COMPLEXITY_LIMIT_INSNS)`,
    };
  if (cfg.runaway) out.runaway = runRunaway(cfg.runaway, log);
  return Promise.resolve(out);
}

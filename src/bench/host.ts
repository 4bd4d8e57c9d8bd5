/**
 * The host side of `iu bench`: build every native image (the trusted toolchain) and eBPF
 * twin (clang), boot one VM (instruction counting unless --wall), run the guest runner,
 * summarise, print, write JSON and the plot.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../env/paths.js";
import { buildKernel } from "../env/kernel.js";
import { runVm } from "../env/vm.js";
import { IuError } from "../errors.js";
import { compileEbpf } from "../toolchain/ebpf.js";
import { build } from "../toolchain/build.js";
import { prepareExtras, type ExtrasConfig } from "./extras.js";
import type { GuestConfig, GuestResult } from "./guest.js";
import { plotSpec, renderSvg } from "./plot.js";
import { buildReport, formatTable, type BenchReport, type Mode } from "./report.js";
import {
  ebpfObjectPath,
  ebpfSourcePath,
  nativeImagePath,
  workloadDir,
  WORKLOADS,
  type Workload,
} from "./workloads.js";

/** `--only load_time` selects the load-time workload. */
export const LOAD_TIME = "load_time";

export interface BenchOptions {
  quick?: boolean;
  wall?: boolean;
  json?: string;
  plot?: string;
  /** Only these workloads (default: all). */
  only?: string[];
  /** Skip the load-time workload (the only "extra": not a native/eBPF pair of one program). */
  noExtras?: boolean;
  timeoutSec?: number;
  log?: (s: string) => void;
}

/** clang -O2 -g -target bpf -c NAME.bpf.c (the twin's object, next to the native image). */
export function compileTwin(src: string, out: string): void {
  compileEbpf(src, out);
}

export function prepareWorkload(w: Workload): void {
  build(workloadDir(w));
  if (!existsSync(nativeImagePath(w)))
    throw new IuError(`iu build ${workloadDir(w)} wrote no ${nativeImagePath(w)}`);
  compileTwin(ebpfSourcePath(w), ebpfObjectPath(w));
}

export function selectWorkloads(o: Pick<BenchOptions, "quick" | "only">): Workload[] {
  const ws = WORKLOADS.filter((w) => (o.only?.length ? o.only.includes(w.name) : !o.quick || w.quick));
  for (const n of o.only ?? [])
    if (n !== LOAD_TIME && !WORKLOADS.some((w) => w.name === n))
      throw new IuError(`unknown workload '${n}' (known: ${WORKLOADS.map((w) => w.name).join(", ")})`);
  return ws;
}

/** Builds every native image and eBPF twin (what the in-VM smoke test loads); no VM. */
export function prepareAll(o: Pick<BenchOptions, "quick" | "only"> = {}): Workload[] {
  const ws = selectWorkloads(o);
  for (const w of ws) prepareWorkload(w);
  return ws;
}

/** Repetitions per side: instruction counting is deterministic, so fewer are needed. */
export function repsFor(mode: Mode, quick: boolean): number {
  if (mode === "icount") return quick ? 1 : 3;
  return quick ? 3 : 7;
}

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const log = o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const mode: Mode = o.wall ? "wall" : "icount";
  const quick = !!o.quick;
  const ws = selectWorkloads(o);
  log(`iu bench: building ${ws.length} native images and eBPF twins`);
  for (const w of ws) prepareWorkload(w);
  let extras: ExtrasConfig | undefined;
  if (!o.noExtras && (!o.only?.length || o.only.includes(LOAD_TIME))) extras = prepareExtras(quick, log);
  mkdirSync(join(repoRoot, "out"), { recursive: true });
  const work = mkdtempSync(join(repoRoot, "out", "bench-"));
  try {
    const cfg: GuestConfig = {
      mode,
      quick,
      reps: repsFor(mode, quick),
      workloads: ws.map((w) => w.name),
      extras,
    };
    const cfgPath = join(work, "config.json");
    const outPath = join(work, "result.json");
    writeFileSync(cfgPath, JSON.stringify(cfg));
    log(
      `iu bench: one VM boot (${mode === "icount" ? "-icount shift=0, single-threaded TCG" : "multi-threaded TCG"}, 1 CPU)`,
    );
    const kernel = await buildKernel();
    const r = await runVm(["node", join(repoRoot, "dist", "src", "bench", "guest.js"), cfgPath, outPath], {
      icount: mode === "icount",
      kernel: kernel.bzImage,
      smp: 1,
      cwd: repoRoot,
      timeoutSec: o.timeoutSec ?? (quick ? 600 : 3600),
      output: "pipe",
    });
    if (r.output.trim()) log(r.output.trimEnd());
    if (r.kernelErrors.length)
      throw new IuError(`the kernel reported errors during the run:\n${r.kernelErrors.join("\n")}`);
    if (r.code !== 0 || !existsSync(outPath))
      throw new IuError(
        `the bench runner failed in the VM (exit ${r.code}${r.timedOut ? ", timed out" : ""})`,
      );
    const g = JSON.parse(readFileSync(outPath, "utf8")) as GuestResult;
    const command = ["iu", "bench", ...(quick ? ["--quick"] : []), ...(o.wall ? ["--wall"] : [])].join(" ");
    const rep = buildReport(g, { quick, command, kernelKey: kernel.key });
    if (o.json) writeFileSync(o.json, JSON.stringify(rep, null, 2) + "\n");
    if (o.plot) writeFileSync(o.plot, await renderSvg(plotSpec(rep)));
    return rep;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export { formatTable };

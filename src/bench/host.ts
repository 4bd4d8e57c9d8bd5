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
import { prepareExtras } from "./extras.js";
import { RUNAWAY_DIR, RUNAWAY_SMP, requireRunawayImage, runawaySettings } from "./runaway.js";
import type { ExtrasConfig, GuestConfig, GuestResult } from "./types.js";
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
/** `--only runaway` selects the watchdog stop latency (bench/runaway, native only). */
export const RUNAWAY = "runaway";

export interface BenchOptions {
  quick?: boolean;
  wall?: boolean;
  json?: string;
  plot?: string;
  /** Only these workloads (default: all). */
  only?: string[];
  /** Skip the load-time and watchdog stages (the "extras": not native/eBPF pairs of one program). */
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
    if (n !== LOAD_TIME && n !== RUNAWAY && !WORKLOADS.some((w) => w.name === n))
      throw new IuError(
        `unknown workload '${n}' (known: ${[...WORKLOADS.map((w) => w.name), LOAD_TIME, RUNAWAY].join(", ")})`,
      );
  return ws;
}

/** Builds every native image and eBPF twin (what the in-VM smoke test loads); no VM. */
export function prepareAll(o: Pick<BenchOptions, "quick" | "only"> = {}): Workload[] {
  const ws = selectWorkloads(o);
  for (const w of ws) prepareWorkload(w);
  if (wantsRunaway(o)) build(RUNAWAY_DIR);
  return ws;
}

function wantsRunaway(o: Pick<BenchOptions, "only" | "noExtras">): boolean {
  return !o.noExtras && (!o.only?.length || o.only.includes(RUNAWAY));
}

/** One VM boot running the guest runner on `cfg`; the runner's result, or why there is none. */
async function bootGuest(
  cfg: GuestConfig,
  o: {
    kernel: string;
    timeoutSec: number;
    work: string;
    name: string;
    log: (s: string) => void;
    smp?: number;
  },
): Promise<{ g?: GuestResult; error?: string }> {
  const cfgPath = join(o.work, `${o.name}.config.json`);
  const outPath = join(o.work, `${o.name}.result.json`);
  writeFileSync(cfgPath, JSON.stringify(cfg));
  const r = await runVm(["node", join(repoRoot, "dist", "src", "bench", "guest.js"), cfgPath, outPath], {
    icount: cfg.mode === "icount",
    kernel: o.kernel,
    smp: o.smp ?? 1,
    cwd: repoRoot,
    timeoutSec: o.timeoutSec,
    output: "pipe",
  });
  if (r.output.trim()) o.log(r.output.trimEnd());
  if (r.kernelErrors.length)
    return { error: `the kernel reported errors during the run:\n${r.kernelErrors.join("\n")}` };
  if (r.code !== 0 || !existsSync(outPath))
    return {
      error: `the bench runner failed in the VM (exit ${r.code}${r.timedOut ? `, timed out after ${o.timeoutSec} s` : ""})`,
    };
  return { g: JSON.parse(readFileSync(outPath, "utf8")) as GuestResult };
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
  const runaway = wantsRunaway(o);
  if (runaway) build(RUNAWAY_DIR);
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
    log(
      `iu bench: one VM boot (${mode === "icount" ? "-icount shift=0, single-threaded TCG" : "multi-threaded TCG"}, 1 CPU)`,
    );
    const kernel = await buildKernel();
    let g: GuestResult | undefined;
    if (ws.length || extras) {
      const main = await bootGuest(cfg, {
        kernel: kernel.bzImage,
        timeoutSec: o.timeoutSec ?? (quick ? 600 : 3600),
        work,
        name: "main",
        log,
      });
      if (!main.g) throw new IuError(main.error!);
      g = main.g;
    }
    if (runaway) {
      // A boot of its own: if the watchdog failed to stop the program, only this stage
      // is lost (to the timeout), not every other measurement.
      log(
        `iu bench: the watchdog's stop latency, in a second VM boot (${RUNAWAY_SMP} CPU${RUNAWAY_SMP > 1 ? "s" : ""})`,
      );
      const s = runawaySettings(quick);
      const r = await bootGuest(
        {
          ...cfg,
          workloads: [],
          extras: { runaway: { image: requireRunawayImage(), ...s } },
        },
        {
          kernel: kernel.bzImage,
          timeoutSec: o.timeoutSec ?? 300,
          work,
          name: "runaway",
          log,
          smp: RUNAWAY_SMP,
        },
      );
      const result = {
        ...(r.g?.extras?.runaway ?? { points: [], error: r.error ?? "no result" }),
        mode,
      };
      g = g ?? (r.g ? { ...r.g, extras: {} } : undefined);
      if (!g) throw new IuError(r.error ?? "the bench runner failed in the VM");
      g = { ...g, extras: { ...g.extras, runaway: result } };
    }
    if (!g) throw new IuError("nothing to measure");
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

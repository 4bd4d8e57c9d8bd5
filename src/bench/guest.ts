/**
 * The benchmark runner inside the VM: `node dist/src/bench/guest.js CONFIG.json OUT.json`.
 * For each workload it loads the native image (loader library) and the eBPF twin
 * (bpftool, JIT on), fills their maps identically, runs each once on the same input and
 * compares return value, output packet and map contents, and only then times them,
 * alternating native and eBPF for each repetition. Writes raw samples; the host
 * summarises (src/bench/report.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { errorText, IuError } from "../errors.js";
import { attach, BpfMap, BpfProgram, enableStats, IuObject, parseTarget } from "../loader/index.js";
import { closeFd, getpid } from "../loader/sys.js";
import {
  benchPacket,
  ebpfObjectPath,
  findWorkload,
  nativeImagePath,
  rawTpContext,
  type Workload,
} from "./workloads.js";
import { runExtras } from "./extras.js";
import type { GuestConfig, GuestResult, GuestWorkloadResult, SideSamples } from "./types.js";

interface Side {
  prog: BpfProgram;
  maps: Map<string, BpfMap>;
  close(): void;
}

function loadNative(w: Workload): Side {
  const obj = IuObject.open(nativeImagePath(w)).load();
  return { prog: obj.program(w.prog), maps: obj.maps, close: () => obj.close() };
}

function bpftool(args: string[]): void {
  const r = spawnSync("bpftool", args, { encoding: "utf8" });
  if (r.status !== 0)
    throw new IuError(`bpftool ${args.join(" ")} failed (${r.status}): ${(r.stderr || r.stdout).trim()}`);
}

function loadEbpf(w: Workload): Side {
  mkdirSync("/sys/fs/bpf", { recursive: true });
  const dir = mkdtempSync(join("/sys/fs/bpf", `iu-bench-${w.name}-`));
  try {
    const loadall = w.maps.some((m) => m.progArray);
    bpftool([
      "prog",
      loadall ? "loadall" : "load",
      ebpfObjectPath(w),
      join(dir, "prog"),
      "pinmaps",
      join(dir, "maps"),
    ]);
    const prog = BpfProgram.fromPinned(loadall ? join(dir, "prog", w.prog) : join(dir, "prog"));
    const maps = new Map<string, BpfMap>();
    const extra: BpfProgram[] = [];
    for (const m of w.maps) {
      const map = BpfMap.fromPinned(join(dir, "maps", m.name));
      maps.set(m.name, map);
      if (m.progArray) {
        const target = BpfProgram.fromPinned(join(dir, "prog", m.progArray.prog));
        extra.push(target);
        const v = Buffer.alloc(4);
        v.writeUInt32LE(target.fd);
        map.update(u32(m.progArray.key), v);
      }
    }
    return {
      prog,
      maps,
      close: () => {
        prog.close();
        for (const p of extra) p.close();
        for (const m of maps.values()) m.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** Empties (hash) or zeroes (arrays) every map, then writes the workload's fill entries. */
function resetMaps(w: Workload, s: Side): void {
  for (const m of w.maps) {
    if (m.progArray) continue;
    const map = s.maps.get(m.name);
    if (!map) {
      if (m.ebpfOnly) continue;
      throw new IuError(`${w.name}: map ${m.name} missing`);
    }
    const keys = [...map.entries()].map(([k]) => k);
    if (map.typeName === "hash") for (const k of keys) map.delete(k);
    else for (const k of keys) map.update(k, Buffer.alloc(map.userValueSize));
    for (let i = 0; i < (m.fillCount ?? 0); i++) {
      const e = m.fill?.(i);
      if (!e) continue;
      const v = Buffer.alloc(8);
      v.writeBigUInt64LE(e[1]);
      map.update(u32(e[0]), v);
    }
  }
}

function dumpMaps(w: Workload, s: Side): string {
  return w.maps
    .filter((m) => m.compare && !m.ebpfOnly)
    .map((m) => {
      const entries = [...s.maps.get(m.name)!.entries()].map(
        ([k, v]) => `${k.toString("hex")}=${v.toString("hex")}`,
      );
      return `${m.name}{${entries.sort().join(",")}}`;
    })
    .join(" ");
}

/** Guest nanoseconds per getpid() call over n calls. */
function loopPerCall(n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) getpid();
  return Number(process.hrtime.bigint() - t0) / n;
}

function attached<T>(w: Workload, s: Side, f: () => T): T {
  const link = attach(s.prog.fd, s.prog.type, parseTarget(w.attach!));
  try {
    return f();
  } finally {
    link.close();
  }
}

/**
 * Times the program ran (BPF stats on): for a native program `iu_invocations`, the
 * kernel's run_cnt less the invocations the runtime refused (nesting, recursion, disabled).
 */
function runs(p: BpfProgram): number {
  return p.stats().invocations ?? Number(p.refresh().runCnt);
}

/** Invocations of the attached program over n getpid() calls. */
function countRuns(w: Workload, s: Side, n: number): number {
  return attached(w, s, () => {
    const before = runs(s.prog);
    const fd = enableStats();
    try {
      loopPerCall(n);
    } finally {
      closeFd(fd);
    }
    return runs(s.prog) - before;
  });
}

function runSyscallLoop(
  w: Workload,
  cfg: GuestConfig,
  native: Side,
  ebpf: Side,
  res: GuestWorkloadResult,
): void {
  const n = res.repeat;
  const k = 200;
  const cn = countRuns(w, native, k);
  const ce = countRuns(w, ebpf, k);
  // raw_tp:sys_enter also sees the runtime's other system calls; the getpid hooks see exactly k.
  const exact = !w.attach!.startsWith("raw_tp:");
  if (cn < k || ce < k || (exact && (cn !== k || ce !== k))) {
    res.check = `invocations for ${k} getpid() calls: native ${cn}, eBPF ${ce}`;
    res.error = `native and eBPF disagree: ${res.check}`;
    return;
  }
  res.checked = true;
  res.check = `both ran ${exact ? "exactly" : "at least"} once per getpid() (${k} calls), returning 0`;
  if (cfg.checkOnly) return;
  const ns: SideSamples = { samples: [], progOnly: [] };
  const es: SideSamples = { samples: [], progOnly: [] };
  const reps = Math.max(cfg.reps, cfg.quick ? 3 : 5);
  loopPerCall(n); // warm-up: JIT-compile the loop
  for (let r = 0; r < reps; r++) {
    const order: [Side, SideSamples][] =
      r % 2 === 0
        ? [
            [native, ns],
            [ebpf, es],
          ]
        : [
            [ebpf, es],
            [native, ns],
          ];
    const b0 = loopPerCall(n);
    const withProg = order.map(([s]) => attached(w, s, () => loopPerCall(n)));
    const b1 = loopPerCall(n);
    const base = (b0 + b1) / 2;
    order.forEach(([, o], i) => o.samples.push(withProg[i] - base));
  }
  for (const [s, o] of [
    [native, ns],
    [ebpf, es],
  ] as [Side, SideSamples][])
    for (let r = 0; r < reps; r++)
      o.progOnly.push(attached(w, s, () => withStats(s.prog, () => loopPerCall(Math.min(n, 2000))).perRun));
  res.native = ns;
  res.ebpf = es;
}

export interface Once {
  retval: number;
  out: string;
  maps: string;
}

function runOnce(w: Workload, s: Side, packet: Buffer): Once {
  resetMaps(w, s);
  if (w.driver === "raw-tp-stats") {
    const r = s.prog.testRun({ ctx: rawTpContext() });
    return { retval: r.retval, out: "", maps: dumpMaps(w, s) };
  }
  const r = s.prog.testRun({ data: packet, repeat: 1 });
  return { retval: r.retval, out: r.dataOut.toString("hex"), maps: dumpMaps(w, s) };
}

export function describeDiff(a: Once, b: Once): string {
  const d: string[] = [];
  if (a.retval !== b.retval) d.push(`retval native ${a.retval} vs eBPF ${b.retval}`);
  if (a.out !== b.out) {
    let i = 0;
    while (i < a.out.length && a.out[i] === b.out[i]) i++;
    d.push(`output packets differ from byte ${i >> 1}`);
  }
  if (a.maps !== b.maps) d.push(`maps differ: native ${a.maps.slice(0, 200)} / eBPF ${b.maps.slice(0, 200)}`);
  return d.join("; ");
}

/** Program-only cost per invocation from the kernel's run-time statistics. */
function withStats<T>(p: BpfProgram, f: () => T): { value: T; perRun: number } {
  const fd = enableStats();
  try {
    const before = p.refresh();
    const value = f();
    const after = p.refresh();
    const cnt = Number(after.runCnt - before.runCnt);
    return { value, perRun: cnt > 0 ? Number(after.runTimeNs - before.runTimeNs) / cnt : NaN };
  } finally {
    closeFd(fd);
  }
}

function measure(w: Workload, s: Side, packet: Buffer, repeat: number): { cost: number; progOnly: number } {
  if (w.driver === "raw-tp-stats") {
    const ctx = rawTpContext();
    const r = withStats(s.prog, () => {
      for (let i = 0; i < repeat; i++) s.prog.testRun({ ctx });
    });
    return { cost: r.perRun, progOnly: r.perRun };
  }
  const plain = s.prog.testRun({ data: packet, repeat }).duration;
  const st = withStats(s.prog, () => s.prog.testRun({ data: packet, repeat }));
  return { cost: plain, progOnly: st.perRun };
}

export function runWorkload(w: Workload, cfg: GuestConfig, log: (s: string) => void): GuestWorkloadResult {
  const repeat = cfg.quick ? w.repeat.quick : w.repeat.full;
  const res: GuestWorkloadResult = { name: w.name, checked: false, check: "", repeat };
  let native: Side | undefined;
  let ebpf: Side | undefined;
  try {
    native = loadNative(w);
    ebpf = loadEbpf(w);
    if (w.driver === "syscall-loop") {
      runSyscallLoop(w, cfg, native, ebpf, res);
      if (res.native)
        log(
          `${w.name}: native ${res.native.samples.map(Math.round).join("/")} eBPF ${res.ebpf!.samples.map(Math.round).join("/")}`,
        );
      return res;
    }
    const packet = benchPacket();
    for (const [off, v] of w.packetBytes ?? []) packet[off] = v;
    const a = runOnce(w, native, packet);
    const b = runOnce(w, ebpf, packet);
    const diff = describeDiff(a, b);
    if (diff) {
      res.check = diff;
      res.error = `native and eBPF disagree: ${diff}`;
      return res;
    }
    res.checked = true;
    res.check = `retval ${a.retval}${a.out ? `, output ${a.out.length / 2} bytes` : ""}${a.maps ? `, maps ${a.maps.length} chars` : ""} equal`;
    if (cfg.checkOnly) return res;
    const ns: SideSamples = { samples: [], progOnly: [] };
    const es: SideSamples = { samples: [], progOnly: [] };
    // Warm-up (caches, the hash map's first insert) outside the measurement.
    measure(w, native, packet, Math.min(repeat, 100));
    measure(w, ebpf, packet, Math.min(repeat, 100));
    for (let r = 0; r < cfg.reps; r++) {
      const first = r % 2 === 0 ? [native, ns, ebpf, es] : [ebpf, es, native, ns];
      for (let k = 0; k < 4; k += 2) {
        const m = measure(w, first[k] as Side, packet, repeat);
        (first[k + 1] as SideSamples).samples.push(m.cost);
        (first[k + 1] as SideSamples).progOnly.push(m.progOnly);
      }
    }
    res.native = ns;
    res.ebpf = es;
    log(`${w.name}: native ${ns.samples.join("/")} eBPF ${es.samples.join("/")}`);
  } catch (e) {
    res.error = errorText(e);
  } finally {
    native?.close();
    ebpf?.close();
  }
  return res;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "?";
  }
}

export async function runGuest(cfg: GuestConfig, log: (s: string) => void): Promise<GuestResult> {
  const out: GuestResult = {
    mode: cfg.mode,
    kernel: release(),
    cpus: Number(readText("/sys/devices/system/cpu/online").split("-").pop() ?? 0) + 1,
    jitEnabled: readText("/proc/sys/net/core/bpf_jit_enable"),
    workloads: [],
  };
  for (const name of cfg.workloads) {
    const w = findWorkload(name);
    if (!w) throw new IuError(`unknown workload ${name}`);
    log(`${name} ...`);
    out.workloads.push(runWorkload(w, cfg, log));
  }
  if (cfg.extras) out.extras = await runExtras(cfg.extras, cfg, log);
  return out;
}

const isMain = process.argv[1]?.endsWith("/bench/guest.js");
if (isMain) {
  const [cfgPath, outPath] = process.argv.slice(2);
  const cfg = JSON.parse(readFileSync(cfgPath, "utf8")) as GuestConfig;
  runGuest(cfg, (s) => process.stderr.write(`[bench] ${s}\n`))
    .then((r) => writeFileSync(outPath, JSON.stringify(r, null, 2) + "\n"))
    .catch((e: unknown) => {
      process.stderr.write(`bench runner: ${(e as Error).message}\n`);
      process.exit(1);
    });
}

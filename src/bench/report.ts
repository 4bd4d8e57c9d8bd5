/**
 * Turning the guest's raw samples into the report: per-workload summary (median and
 * spread), the ratio native/eBPF, the stable JSON document and the terminal table. Pure.
 */
import type { ExtrasResult } from "./extras.js";
import type { GuestResult, GuestWorkloadResult } from "./guest.js";
import { findWorkload } from "./workloads.js";

export type Mode = "icount" | "wall";

/** The unit of every per-invocation cost in a mode. */
export const unitOf = (mode: Mode): string => (mode === "icount" ? "instructions" : "ns");

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** One workload in the JSON report (the stable interface: name, native, ebpf, unit, ratio). */
export interface WorkloadReport {
  name: string;
  what: string;
  /** Per-invocation cost of the native program (median over repetitions). */
  native: number | null;
  /** Per-invocation cost of the eBPF twin (median over repetitions). */
  ebpf: number | null;
  unit: string;
  /** native / ebpf; below 1 means native is faster. */
  ratio: number | null;
  /** How the cost was measured. */
  method: string;
  /** Test-run repetitions per measurement. */
  repeat?: number;
  nativeSpread?: Spread;
  ebpfSpread?: Spread;
  /** The program alone (kernel run-time statistics), median; includes one sched_clock(). */
  nativeProgOnly?: number | null;
  ebpfProgOnly?: number | null;
  ratioProgOnly?: number | null;
  /** What was compared before timing. */
  check?: string;
  /** Why there is no measurement. */
  error?: string;
  missing?: boolean;
}

export interface BenchReport {
  mode: Mode;
  kernel: string;
  date: string;
  quick: boolean;
  cpus?: number;
  jit?: string;
  /** The kernel image's cache key (hash of source version, kernel/ changes, config). */
  kernelKey?: string;
  command?: string;
  workloads: WorkloadReport[];
  extras?: ExtrasResult;
}

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length & 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function spreadOf(xs: number[]): Spread {
  const v = xs.filter((x) => Number.isFinite(x));
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** native / ebpf, rounded to 3 decimals; null when either side is missing or zero. */
export function ratio(native: number | null | undefined, ebpf: number | null | undefined): number | null {
  if (native == null || ebpf == null || !Number.isFinite(native) || !Number.isFinite(ebpf) || ebpf <= 0)
    return null;
  return Math.round((native / ebpf) * 1000) / 1000;
}

const round = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

const METHOD: Record<string, string> = {
  "syscall-loop":
    "attached; per getpid() call with the program minus without (user-space loop, median of repetitions)",
  "xdp-test-run": "BPF_PROG_TEST_RUN duration per run (test-run loop included)",
  "raw-tp-stats": "BPF_PROG_TEST_RUN once per call; kernel run-time statistics per invocation",
};

export function workloadReport(r: GuestWorkloadResult, mode: Mode): WorkloadReport {
  const w = findWorkload(r.name);
  const base: WorkloadReport = {
    name: r.name,
    what: w?.what ?? r.name,
    native: null,
    ebpf: null,
    unit: unitOf(mode),
    ratio: null,
    method: w ? METHOD[w.driver] : "",
    repeat: r.repeat,
    check: r.check,
  };
  if (r.error || !r.native || !r.ebpf) return { ...base, error: r.error ?? "no samples" };
  const ns = spreadOf(r.native.samples);
  const es = spreadOf(r.ebpf.samples);
  const np = round(median(r.native.progOnly));
  const ep = round(median(r.ebpf.progOnly));
  return {
    ...base,
    native: round(ns.median),
    ebpf: round(es.median),
    ratio: ratio(ns.median, es.median),
    nativeSpread: ns,
    ebpfSpread: es,
    nativeProgOnly: np,
    ebpfProgOnly: ep,
    ratioProgOnly: ratio(np, ep),
  };
}

/** Workloads that have no native/eBPF pair yet, with the reason (listed in every report). */
export const MISSING: { name: string; what: string; why: string }[] = [];

export function buildReport(
  g: GuestResult,
  o: { quick: boolean; date?: Date; command?: string; kernelKey?: string },
): BenchReport {
  const workloads = g.workloads.map((w) => workloadReport(w, g.mode));
  for (const m of MISSING)
    workloads.push({
      name: m.name,
      what: m.what,
      native: null,
      ebpf: null,
      unit: unitOf(g.mode),
      ratio: null,
      method: "",
      missing: true,
      error: m.why,
    });
  return {
    mode: g.mode,
    kernel: g.kernel,
    date: (o.date ?? new Date()).toISOString(),
    quick: o.quick,
    cpus: g.cpus,
    jit: g.jitEnabled,
    kernelKey: o.kernelKey,
    command: o.command,
    workloads,
    ...(g.extras && Object.keys(g.extras).length ? { extras: g.extras } : {}),
  };
}

function fmt(x: number | null | undefined, digits = 1): string {
  if (x == null || !Number.isFinite(x)) return "-";
  return x >= 1000 ? Math.round(x).toLocaleString("en-US") : x.toFixed(digits).replace(/\.0+$/, "");
}

function verdict(r: number | null): string {
  if (r == null) return "";
  if (Math.abs(r - 1) < 0.02) return "same";
  return r < 1 ? `native ${(1 / r).toFixed(2)}x faster` : `native ${r.toFixed(2)}x slower`;
}

/** Rows of the table: header first. */
export function tableRows(rep: BenchReport): string[][] {
  const spread = rep.mode === "wall";
  const head = [
    "workload",
    `native (${rep.workloads[0]?.unit ?? unitOf(rep.mode)})`,
    "eBPF",
    "ratio",
    "verdict",
    "prog only: native",
    "eBPF",
    "ratio",
  ];
  if (spread) head.splice(3, 0, "spread (min-max) native / eBPF");
  const rows = [head];
  for (const w of rep.workloads) {
    if (w.native == null || w.ebpf == null) {
      const r = [w.name, "-", "-", "-", w.missing ? "missing (see notes)" : "error (see notes)", "", "", ""];
      if (spread) r.splice(3, 0, "");
      rows.push(r);
      continue;
    }
    const r = [
      w.name,
      fmt(w.native),
      fmt(w.ebpf),
      w.ratio?.toFixed(2) ?? "-",
      verdict(w.ratio),
      fmt(w.nativeProgOnly),
      fmt(w.ebpfProgOnly),
      w.ratioProgOnly?.toFixed(2) ?? "-",
    ];
    if (spread)
      r.splice(
        3,
        0,
        `${fmt(w.nativeSpread?.min)}-${fmt(w.nativeSpread?.max)} / ${fmt(w.ebpfSpread?.min)}-${fmt(w.ebpfSpread?.max)}`,
      );
    rows.push(r);
  }
  return rows;
}

/** One line per workload without a measurement: why. */
export function notes(rep: BenchReport): string[] {
  return rep.workloads
    .filter((w) => w.native == null || w.ebpf == null)
    .map((w) => `${w.name}: ${w.missing ? "missing" : "error"}: ${w.error ?? "?"}`);
}

/** Rows of the load-time table (header first), or none when it was not measured. */
export function loadTimeRows(rep: BenchReport): string[][] {
  const pts = rep.extras?.loadTime?.points ?? [];
  if (pts.length === 0) return [];
  const rows = [["load time", "size", "code bytes", `load (ms${rep.mode === "icount" ? ", guest" : ""})`]];
  for (const p of pts)
    rows.push([
      p.kind,
      p.kind === "eBPF" ? `${p.units.toLocaleString("en-US")} insns` : `${p.units} functions`,
      p.size.toLocaleString("en-US"),
      p.error ? `error: ${p.error}` : p.ms.toFixed(2),
    ]);
  return rows;
}

function fixedWidth(rows: string[][], left: number[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** The terminal table (fixed-width columns). */
export function formatTable(rep: BenchReport): string {
  const rows = tableRows(rep);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) =>
        i === 0 || i === 4 || (rep.mode === "wall" && i === 5) ? c.padEnd(widths[i]) : c.padStart(widths[i]),
      )
      .join("  ")
      .trimEnd();
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  return (
    `mode: ${rep.mode} (${rep.mode === "icount" ? "1 ns of guest time = 1 guest instruction; deterministic" : "TCG wall time, median of repetitions"}), ` +
    `kernel ${rep.kernel}, ${rep.date}${rep.quick ? ", --quick" : ""}\n` +
    out.join("\n") +
    "\n" +
    notes(rep)
      .map((n) => `  ${n}\n`)
      .join("") +
    (loadTimeRows(rep).length ? `\n${fixedWidth(loadTimeRows(rep), [0, 1])}\n` : "")
  );
}

/** The same table in Markdown (for the README). */
export function markdownTable(rep: BenchReport): string {
  const rows = tableRows(rep);
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${rows[0].map(esc).join(" | ")} |`,
    `| ${rows[0].map((_, i) => (i === 0 || i === 4 ? "---" : "---:")).join(" | ")} |`,
    ...rows.slice(1).map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

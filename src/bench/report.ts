/**
 * Turning the guest's raw samples into the report: per-workload summary (median and
 * spread), the ratio native/eBPF, the stable JSON document and the terminal table. Pure.
 */
import { median, spreadOf, type Spread } from "./stats.js";
import type { ExtrasResult, GuestResult, GuestWorkloadResult, RunawayResult } from "./types.js";
import { findWorkload } from "./workloads.js";

export type Mode = "icount" | "wall";

/** The unit of every per-invocation cost in a mode. */
export const unitOf = (mode: Mode): string => (mode === "icount" ? "instructions" : "ns");

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
  /** native - ebpf per invocation (for the empty programs: the dispatch cost). */
  diff: number | null;
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
  /** The per-invocation cost of the native dispatch, from the empty programs. */
  dispatch?: DispatchReport;
  extras?: ExtrasResult;
}

/**
 * The cost every native invocation pays and an eBPF one does not: the dispatcher and the
 * watchdog's fast path (docs/RUNTIME.md), measured as native minus eBPF on an empty
 * program at the same hook. `xdp_empty` is the headline number.
 */
export interface DispatchReport {
  /** The workload the headline numbers come from. */
  workload: string;
  native: number;
  ebpf: number;
  /** native - ebpf per invocation, in the report's unit. */
  cost: number;
  ratio: number | null;
  /** The same from the kernel's run-time statistics (program alone). */
  progOnlyCost: number | null;
  /** Every empty-program workload measured: the cost at each hook. */
  hooks: { workload: string; cost: number; progOnlyCost: number | null }[];
}

/** Empty programs: everything native minus eBPF costs there is the dispatch. First = headline. */
export const DISPATCH_WORKLOADS = ["xdp_empty", "rawtp_empty", "tp_empty", "kprobe_empty", "rawtp_attached"];

/** native / ebpf, rounded to 3 decimals; null when either side is missing or zero. */
export function ratio(native: number | null | undefined, ebpf: number | null | undefined): number | null {
  if (native == null || ebpf == null || !Number.isFinite(native) || !Number.isFinite(ebpf) || ebpf <= 0)
    return null;
  return Math.round((native / ebpf) * 1000) / 1000;
}

const round = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

/** native - ebpf, rounded to 0.1; null when either is missing. */
export function diffOf(native: number | null | undefined, ebpf: number | null | undefined): number | null {
  if (native == null || ebpf == null) return null;
  return round(native - ebpf);
}

/** The dispatch cost from the empty-program workloads of a report, if any was measured. */
export function dispatchOf(ws: WorkloadReport[]): DispatchReport | undefined {
  const hooks = DISPATCH_WORKLOADS.flatMap((name) => {
    const w = ws.find((x) => x.name === name);
    if (!w || w.diff == null) return [];
    return [{ workload: name, cost: w.diff, progOnlyCost: diffOf(w.nativeProgOnly, w.ebpfProgOnly) }];
  });
  if (hooks.length === 0) return undefined;
  const w = ws.find((x) => x.name === hooks[0].workload)!;
  return {
    workload: w.name,
    native: w.native!,
    ebpf: w.ebpf!,
    cost: hooks[0].cost,
    ratio: w.ratio,
    progOnlyCost: hooks[0].progOnlyCost,
    hooks,
  };
}

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
    diff: null,
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
    diff: diffOf(round(ns.median), round(es.median)),
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
      diff: null,
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
    ...(dispatchOf(workloads) ? { dispatch: dispatchOf(workloads) } : {}),
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

const signed = (x: number | null | undefined): string =>
  x == null || !Number.isFinite(x) ? "-" : `${x > 0 ? "+" : x < 0 ? "-" : ""}${fmt(Math.abs(x))}`;

/** Rows of the table: header first. */
export function tableRows(rep: BenchReport): string[][] {
  const spread = rep.mode === "wall";
  const head = [
    "workload",
    `native (${rep.workloads[0]?.unit ?? unitOf(rep.mode)})`,
    "eBPF",
    "native − eBPF",
    "ratio",
    "verdict",
    "prog only: native",
    "eBPF",
    "ratio",
  ];
  if (spread) head.splice(4, 0, "spread (min-max) native / eBPF");
  const rows = [head];
  for (const w of rep.workloads) {
    if (w.native == null || w.ebpf == null) {
      const r = [
        w.name,
        "-",
        "-",
        "-",
        "-",
        w.missing ? "missing (see notes)" : "error (see notes)",
        "",
        "",
        "",
      ];
      if (spread) r.splice(4, 0, "");
      rows.push(r);
      continue;
    }
    const r = [
      w.name,
      fmt(w.native),
      fmt(w.ebpf),
      signed(w.diff ?? diffOf(w.native, w.ebpf)),
      w.ratio?.toFixed(2) ?? "-",
      verdict(w.ratio),
      fmt(w.nativeProgOnly),
      fmt(w.ebpfProgOnly),
      w.ratioProgOnly?.toFixed(2) ?? "-",
    ];
    if (spread)
      r.splice(
        4,
        0,
        `${fmt(w.nativeSpread?.min)}-${fmt(w.nativeSpread?.max)} / ${fmt(w.ebpfSpread?.min)}-${fmt(w.ebpfSpread?.max)}`,
      );
    rows.push(r);
  }
  return rows;
}

/** Columns of {@link tableRows} that hold text (left-aligned). */
function textColumns(rows: string[][]): number[] {
  return rows[0].flatMap((h, i) => (i === 0 || h === "verdict" || h.startsWith("spread") ? [i] : []));
}

/** The dispatch cost in one sentence, or "" when no empty program was measured. */
export function dispatchLine(rep: BenchReport): string {
  const d = rep.dispatch ?? dispatchOf(rep.workloads);
  if (!d) return "";
  const unit = rep.workloads[0]?.unit ?? unitOf(rep.mode);
  const others = d.hooks
    .slice(1)
    .map((h) => `${h.workload} ${signed(h.cost)}`)
    .join(", ");
  return (
    `dispatch cost (dispatcher + watchdog fast path, native − eBPF on an empty program): ` +
    `${signed(d.cost)} ${unit} per invocation at XDP (${d.workload}: ${fmt(d.native)} vs ${fmt(d.ebpf)}, ` +
    `ratio ${d.ratio?.toFixed(2) ?? "-"}; program alone ${signed(d.progOnlyCost)})` +
    (others ? `; other hooks: ${others}` : "")
  );
}

/** Rows of the watchdog stop-latency table (header first), or none when not measured. */
export function runawayRows(r: RunawayResult | undefined, mode: Mode): string[][] {
  if (!r || r.points.length === 0) return [];
  const unit =
    (r.mode ?? mode) === "icount" ? "µs guest = 1,000s of instructions" : "µs of guest time, TCG wall";
  const us = (ns: number) => (Number.isFinite(ns) ? (ns / 1000).toFixed(1) : "-");
  const rows = [
    [
      `watchdog stop${r.cpus ? ` (${r.cpus} CPU${r.cpus > 1 ? "s" : ""})` : ""}`,
      "budget (ms)",
      `latency after the budget (${unit})`,
      "min",
      "max",
      "% of budget",
      "verdict",
      "iu_stops",
    ],
  ];
  for (const p of r.points) {
    const verdicts = [...new Set(p.retvals)].join(",");
    rows.push([
      p.program,
      String(p.budgetMs),
      p.error ? `error: ${p.error}` : us(p.latencyNs),
      us(p.minLatencyNs),
      us(p.maxLatencyNs),
      Number.isFinite(p.latencyNs) ? ((p.latencyNs / (p.budgetMs * 1e6)) * 100).toFixed(1) : "-",
      verdicts === "0" ? "XDP_ABORTED" : verdicts || "-",
      p.stopsCounted ? `+${p.durations.length}` : "not counted",
    ]);
  }
  return rows;
}

/** Why the watchdog stop latency is missing, or "". */
export function runawayNote(r: RunawayResult | undefined): string {
  if (!r) return "";
  if (r.skipped) return `watchdog stop latency: skipped: ${r.skipped}`;
  if (r.error) return `watchdog stop latency: error: ${r.error}`;
  return "";
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
  const runaway = rep.extras?.runaway;
  const extra = [dispatchLine(rep), runawayNote(runaway)].filter((x) => x);
  return (
    `mode: ${rep.mode} (${rep.mode === "icount" ? "1 ns of guest time = 1 guest instruction; deterministic" : "TCG wall time, median of repetitions"}), ` +
    `kernel ${rep.kernel}, ${rep.date}${rep.quick ? ", --quick" : ""}\n` +
    fixedWidth(rows, textColumns(rows)) +
    "\n" +
    notes(rep)
      .map((n) => `  ${n}\n`)
      .join("") +
    extra.map((x) => `${x}\n`).join("") +
    (runawayRows(runaway, rep.mode).length
      ? `\n${fixedWidth(runawayRows(runaway, rep.mode), [0, 6, 7])}\n`
      : "") +
    (loadTimeRows(rep).length ? `\n${fixedWidth(loadTimeRows(rep), [0, 1])}\n` : "")
  );
}

function markdown(rows: string[][], left: number[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${rows[0].map(esc).join(" | ")} |`,
    `| ${rows[0].map((_, i) => (left.includes(i) ? "---" : "---:")).join(" | ")} |`,
    ...rows.slice(1).map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

/** The same table in Markdown (for the README). */
export function markdownTable(rep: BenchReport): string {
  const rows = tableRows(rep);
  return markdown(rows, textColumns(rows));
}

/** The watchdog stop-latency table in Markdown, or "" when not measured. */
export function markdownRunaway(rep: BenchReport): string {
  const rows = runawayRows(rep.extras?.runaway, rep.mode);
  return rows.length ? markdown(rows, [0, 6, 7]) : "";
}

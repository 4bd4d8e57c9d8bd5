/**
 * The bench's numbers in the documentation: Markdown blocks rendered from a report (the
 * JSON `iu bench --json` writes) and written between marker comments, so no number in
 * README.md or docs/BENCH.md is copied by hand. A block is
 *
 *   <!-- bench:begin NAME -->
 *   ...generated...
 *   <!-- bench:end -->
 *
 * and `updateBlocks()` replaces what is between the markers with `renderBlock(NAME)`.
 * Everything but `readReport()` and `updateFiles()` is pure.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { IuError } from "../errors.js";
import {
  dispatchLine,
  loadTimeRows,
  markdownRunaway,
  markdownTable,
  notes,
  runawayNote,
  unitOf,
  type BenchReport,
} from "./report.js";
import { geomean } from "./stats.js";
import type { RunawayPoint } from "./types.js";

/** The blocks a document may hold, by name. */
export const BLOCKS = ["summary", "workloads", "runaway", "load-time"] as const;
export type BlockName = (typeof BLOCKS)[number];

const BEGIN = /^<!-- bench:begin ([a-z0-9-]+) -->$/;
const END = "<!-- bench:end -->";

function isBlock(name: string): name is BlockName {
  return (BLOCKS as readonly string[]).includes(name);
}

function fmt(x: number, digits = 2): string {
  return x >= 1000 ? Math.round(x).toLocaleString("en-US") : x.toFixed(digits);
}

const ms = (ns: number): string => (Number.isFinite(ns) ? (ns / 1e6).toFixed(2) : "-");

/** What the numbers are, in one sentence: date, kernel, CPUs and how time was measured. */
export function provenance(rep: BenchReport): string {
  const how =
    rep.mode === "icount"
      ? "instruction counting: every cost is guest instructions, and 1 ms of guest time is 1,000,000 instructions"
      : "TCG wall time: emulated, useful for ratios, not absolute numbers";
  const cpus = rep.cpus ? `, ${rep.cpus} vCPU${rep.cpus > 1 ? "s" : ""}` : "";
  return `\`${rep.command ?? "iu bench"}\` on ${rep.date.slice(0, 10)}, kernel ${rep.kernel}${cpus}, ${how}${rep.quick ? " (--quick)" : ""}.`;
}

function stopRow(points: RunawayPoint[], program: string): string[] | undefined {
  const ps = points.filter((p) => p.program === program && !p.error).sort((a, b) => a.budgetMs - b.budgetMs);
  if (ps.length === 0) return undefined;
  return [
    `watchdog stop after the budget, \`${program}\`, budget ${ps.map((p) => p.budgetMs).join(" / ")} ms`,
    "median " +
      ps.map((p) => `**${ms(p.latencyNs)} ms** (${ms(p.minLatencyNs)}–${ms(p.maxLatencyNs)})`).join(" / "),
  ];
}

/** The headline numbers: dispatch cost, who wins, the geometric mean, stop latency, load time. */
export function summaryBlock(rep: BenchReport): string {
  const unit = rep.workloads[0]?.unit ?? unitOf(rep.mode);
  const rows: string[][] = [];
  const d = rep.dispatch;
  if (d) {
    rows.push([
      `dispatch cost per invocation (native − eBPF, \`${d.workload}\`)`,
      `**${d.cost > 0 ? "+" : ""}${d.cost} ${unit}**: ${d.native} vs ${d.ebpf}, ratio ${d.ratio?.toFixed(2) ?? "-"}`,
    ]);
    if (d.hooks.length > 1)
      rows.push([
        "the same at the other hooks",
        d.hooks
          .slice(1)
          .map((h) => `\`${h.workload}\` ${h.cost > 0 ? "+" : ""}${h.cost}`)
          .join(", "),
      ]);
  }
  const measured = rep.workloads.filter((w) => w.ratio != null);
  const faster = measured.filter((w) => w.ratio! < 0.98).sort((a, b) => a.ratio! - b.ratio!);
  const slower = measured.filter((w) => w.ratio! > 1.02).sort((a, b) => a.ratio! - b.ratio!);
  if (faster.length)
    rows.push([
      "native faster than eBPF",
      faster.map((w) => `\`${w.name}\` ${(1 / w.ratio!).toFixed(2)}x`).join(", "),
    ]);
  if (slower.length) {
    const lo = slower[0];
    const hi = slower[slower.length - 1];
    const at = (w: typeof lo) => `${w.ratio!.toFixed(2)}x (\`${w.name}\`)`;
    rows.push([
      `native slower than eBPF (${slower.length} workload${slower.length > 1 ? "s" : ""})`,
      lo === hi ? at(lo) : `from ${at(lo)} to ${at(hi)}`,
    ]);
  }
  if (measured.length)
    rows.push([
      `geometric mean of the ratios (${measured.length} workloads)`,
      `**${geomean(measured.map((w) => w.ratio!)).toFixed(2)}**`,
    ]);
  const points = rep.extras?.runaway?.points ?? [];
  for (const program of [...new Set(points.map((p) => p.program))]) {
    const r = stopRow(points, program);
    if (r) rows.push(r);
  }
  const load = (rep.extras?.loadTime?.points ?? []).filter((p) => !p.error);
  const guest = rep.mode === "icount" ? " guest" : "";
  for (const [label, pick] of [
    ["smallest", (a: number, b: number) => a < b],
    ["largest", (a: number, b: number) => a > b],
  ] as const) {
    const cells = (["native", "eBPF"] as const).flatMap((kind) => {
      const p = load
        .filter((x) => x.kind === kind)
        .reduce<(typeof load)[number] | undefined>(
          (best, x) => (!best || pick(x.size, best.size) ? x : best),
          undefined,
        );
      return p ? [`${kind} ${fmt(p.ms)} ms${guest} (${p.size.toLocaleString("en-US")} bytes of code)`] : [];
    });
    if (cells.length) rows.push([`load time, ${label} program`, cells.join(", ")]);
  }
  const table = ["| what | result |", "| --- | --- |", ...rows.map((r) => `| ${r.join(" | ")} |`)];
  return [provenance(rep), "", ...table].join("\n");
}

/** Every workload's native and eBPF cost, the ratio, and why any is missing. */
export function workloadsBlock(rep: BenchReport): string {
  const lines = [markdownTable(rep), "", dispatchLine(rep)];
  for (const n of notes(rep)) lines.push("", n);
  return lines.join("\n").trimEnd();
}

/** The watchdog's stop latency per program and budget, or why it was not measured. */
export function runawayBlock(rep: BenchReport): string {
  return markdownRunaway(rep) || runawayNote(rep.extras?.runaway) || "watchdog stop latency: not measured";
}

/** Load time against program size, native and eBPF. */
export function loadTimeBlock(rep: BenchReport): string {
  const rows = loadTimeRows(rep);
  if (rows.length === 0) return "load time: not measured";
  return [
    `| ${rows[0].join(" | ")} |`,
    "| --- | --- | ---: | ---: |",
    ...rows.slice(1).map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

export function renderBlock(name: BlockName, rep: BenchReport): string {
  switch (name) {
    case "summary":
      return summaryBlock(rep);
    case "workloads":
      return workloadsBlock(rep);
    case "runaway":
      return runawayBlock(rep);
    case "load-time":
      return loadTimeBlock(rep);
  }
}

/** Every block, each between its markers, one after the other (`iu bench --markdown`). */
export function renderAll(rep: BenchReport): string {
  return BLOCKS.map((b) => `<!-- bench:begin ${b} -->\n${renderBlock(b, rep)}\n${END}\n`).join("\n");
}

/** A marker line's block name (begin), null (end), or undefined (not a marker). */
function marker(line: string): string | null | undefined {
  if (line === END) return null;
  return BEGIN.exec(line)?.[1];
}

/** The names of the blocks in `text`, in order. */
export function blocksIn(text: string): BlockName[] {
  return text.split("\n").flatMap((l) => {
    const m = marker(l);
    return m && isBlock(m) ? [m] : [];
  });
}

/**
 * `text` with every bench block replaced by what `rep` renders. Markers count only on a
 * line of their own (prose may quote them). Throws on a block name it does not know, a
 * begin without its end, or an end without a begin: a half-updated document is worse
 * than none.
 */
export function updateBlocks(text: string, rep: BenchReport, file = "the document"): string {
  const out: string[] = [];
  let open: string | undefined;
  for (const line of text.split("\n")) {
    const m = marker(line);
    if (m === undefined) {
      if (open === undefined) out.push(line);
    } else if (m === null) {
      if (open === undefined) throw new IuError(`${file}: ${END} without a bench:begin before it`);
      out.push(renderBlock(open as BlockName, rep), line);
      open = undefined;
    } else {
      if (open !== undefined) throw new IuError(`${file}: bench block '${open}' has no ${END}`);
      if (!isBlock(m)) throw new IuError(`${file}: unknown bench block '${m}' (known: ${BLOCKS.join(", ")})`);
      out.push(line);
      open = m;
    }
  }
  if (open !== undefined) throw new IuError(`${file}: bench block '${open}' has no ${END}`);
  return out.join("\n");
}

/** A report written by `iu bench --json`. */
export function readReport(file: string): BenchReport {
  let rep: BenchReport;
  try {
    rep = JSON.parse(readFileSync(file, "utf8")) as BenchReport;
  } catch (err) {
    throw new IuError(`cannot read the bench report ${file}: ${(err as Error).message}`, 1, { cause: err });
  }
  if (!Array.isArray(rep.workloads) || typeof rep.mode !== "string")
    throw new IuError(`${file} is not a report of iu bench --json (no mode or workloads)`);
  return rep;
}

/** Rewrites the bench blocks of each Markdown file; a file without any is an error. */
export function updateFiles(files: string[], rep: BenchReport): { file: string; blocks: BlockName[] }[] {
  const updated = files.map((file) => {
    const text = readFileSync(file, "utf8");
    const blocks = blocksIn(text);
    if (blocks.length === 0)
      throw new IuError(`${file} has no bench block (<!-- bench:begin NAME --> ... ${END})`);
    return { file, blocks, text: updateBlocks(text, rep, file) };
  });
  // Written only once every file rendered, so an error leaves all of them as they were.
  for (const u of updated) writeFileSync(u.file, u.text);
  return updated.map(({ file, blocks }) => ({ file, blocks }));
}

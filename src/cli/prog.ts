/** `iu prog`: the loaded programs, native and eBPF, with the kernel runtime's counters. */
import type { Command } from "commander";
import { BpfProgram, progTypeNames, type ProgListEntry } from "../loader/index.js";
import { json, jsonOpt, out } from "./output.js";

/** One program of `iu prog list` (also its `--json` element). */
export function progListRow(i: ProgListEntry) {
  return {
    id: i.id,
    name: i.name,
    type: progTypeNames[i.type] ?? String(i.type),
    tag: i.tag,
    jitedLen: i.jitedLen,
    xlatedLen: i.xlatedLen,
    mapIds: i.mapIds,
    runCnt: i.runCnt,
    runTimeNs: i.runTimeNs,
    // The kernel runtime's counters (native programs; null for eBPF) and recursion_misses.
    invocations: i.stats.invocations,
    panics: i.stats.panics,
    stops: i.stats.stops,
    disabled: i.stats.disabled,
    recursionMisses: i.stats.recursionMisses,
  };
}

/** `iu prog list` as a table: one row per program, "-" where a counter does not exist. */
export function progListTable(rows: ReturnType<typeof progListRow>[]): string {
  const dash = (v: number | boolean | null): string =>
    v === null ? "-" : typeof v === "boolean" ? (v ? "yes" : "no") : String(v);
  const head = [
    "ID",
    "TYPE",
    "NAME",
    "TAG",
    "JITED",
    "INVOCATIONS",
    "PANICS",
    "STOPS",
    "DISABLED",
    "MISSES",
    "MAPS",
  ];
  const body = rows.map((p) => [
    String(p.id),
    p.type,
    p.name || "-",
    p.tag,
    `${p.jitedLen}B`,
    dash(p.invocations),
    dash(p.panics),
    dash(p.stops),
    dash(p.disabled),
    dash(p.recursionMisses),
    p.mapIds.length ? p.mapIds.join(",") : "-",
  ]);
  const width = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  return [head, ...body]
    .map((r) => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(width[c]))).join("  "))
    .join("\n");
}

export function registerProgCommands(program: Command): void {
  const prog = program.command("prog").description("loaded BPF programs (native and eBPF)");
  prog
    .command("list")
    .alias("show")
    .description("list loaded programs")
    .addOption(jsonOpt())
    .action((o: { json?: boolean }) => {
      const list = BpfProgram.list().map(progListRow);
      if (o.json) return json(list);
      out(progListTable(list));
    });
}

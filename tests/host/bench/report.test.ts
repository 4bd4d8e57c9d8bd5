// iu bench's pure logic: summaries, ratios, the JSON report's stable shape, the tables,
// the plot, the input packet and the generated load-time programs. No timing assertions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { describeDiff } from "../../../src/bench/guest.js";
import { median, spreadOf } from "../../../src/bench/stats.js";
import type { GuestResult, RunawayResult } from "../../../src/bench/types.js";
import { generatedNativeSource, straightLineProgram } from "../../../src/bench/extras.js";
import { plotSpec, renderSvg } from "../../../src/bench/plot.js";
import type { BenchReport } from "../../../src/bench/report.js";
import {
  buildReport,
  formatTable,
  dispatchLine,
  markdownRunaway,
  markdownTable,
  MISSING,
  ratio,
  unitOf,
} from "../../../src/bench/report.js";
import { selectWorkloads, repsFor } from "../../../src/bench/host.js";
import { latencies } from "../../../src/bench/runaway.js";
import {
  benchPacket,
  nativeImagePath,
  ebpfObjectPath,
  WORKLOADS,
  findWorkload,
} from "../../../src/bench/workloads.js";

const guest = (mode: "icount" | "wall"): GuestResult => ({
  mode,
  kernel: "6.12.117-iu",
  cpus: 1,
  jitEnabled: "1",
  workloads: [
    {
      name: "xdp_empty",
      checked: true,
      check: "retval 2 equal",
      repeat: 1000,
      native: { samples: [150, 146, 148], progOnly: [101, 101, 101] },
      ebpf: { samples: [94, 94, 100], progOnly: [49, 49, 49] },
    },
    {
      name: "fnv1a",
      checked: true,
      check: "equal",
      repeat: 100,
      native: { samples: [5410], progOnly: [5366] },
      ebpf: { samples: [19630], progOnly: [19583] },
    },
    {
      name: "hash_lookup",
      checked: false,
      check: "retval native 2 vs eBPF 1",
      repeat: 10,
      error: "native and eBPF disagree",
    },
  ],
  extras: {
    loadTime: {
      ebpfLimit: "1000000",
      points: [
        { kind: "eBPF", size: 395, units: 64, ms: 0.4, samples: [0.4] },
        { kind: "native", size: 533, units: 1, ms: 2.7, samples: [2.7] },
      ],
    },
  },
});

test("median, spread and ratio", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.deepEqual(spreadOf([5, 1, 3, NaN]), { median: 3, min: 1, max: 5, n: 3 });
  assert.equal(ratio(146, 94), 1.553);
  assert.equal(ratio(50, 100), 0.5);
  assert.equal(ratio(null, 1), null);
  assert.equal(ratio(1, 0), null);
  assert.equal(ratio(1, NaN), null);
});

test("the JSON report: mode, kernel, date and workloads with name, native, ebpf, unit, ratio", () => {
  const date = new Date("2026-11-27T04:00:00Z");
  const rep = buildReport(guest("icount"), { quick: true, date });
  const json = JSON.parse(JSON.stringify(rep)) as Record<string, unknown>;
  assert.equal(json.mode, "icount");
  assert.equal(json.kernel, "6.12.117-iu");
  assert.equal(json.date, "2026-11-27T04:00:00.000Z");
  const ws = rep.workloads;
  for (const w of ws)
    for (const k of ["name", "native", "ebpf", "unit", "ratio"]) assert.ok(k in w, `${w.name}.${k}`);
  const e = ws.find((w) => w.name === "xdp_empty")!;
  assert.equal(e.native, 148);
  assert.equal(e.ebpf, 94);
  assert.equal(e.unit, "instructions");
  assert.equal(e.ratio, ratio(148, 94));
  assert.equal(e.ratioProgOnly, ratio(101, 49));
  assert.deepEqual(e.nativeSpread, { median: 148, min: 146, max: 150, n: 3 });
  const bad = ws.find((w) => w.name === "hash_lookup")!;
  assert.equal(bad.native, null);
  assert.equal(bad.ratio, null);
  assert.match(bad.error!, /disagree/);
  for (const m of MISSING) assert.ok(ws.some((w) => w.name === m.name && w.missing && w.error === m.why));
  assert.equal(buildReport(guest("wall"), { quick: false }).workloads[0].unit, "ns");
  assert.equal(unitOf("wall"), "ns");
});

test("tables: terminal and Markdown name every workload, the ratio and the verdict", () => {
  const rep = buildReport(guest("icount"), { quick: false });
  const t = formatTable(rep);
  assert.match(t, /mode: icount/);
  assert.match(t, /xdp_empty\s+148\s+94\s+\+54\s+1\.57\s+native 1\.57x slower/);
  assert.match(t, /fnv1a\s+5,410\s+19,630\s+-14,220\s+0\.28\s+native 3\.62x faster/);
  assert.match(t, /hash_lookup: error: native and eBPF disagree/);
  assert.match(t, /native\s+1 functions\s+533\s+2\.70/);
  const md = markdownTable(rep);
  assert.equal(md.split("\n").length, 2 + rep.workloads.length);
  assert.match(md, /^\| workload \| native \(instructions\) \| eBPF \| native − eBPF \| ratio \| verdict \|/);
  assert.match(md, /^\| --- \| ---: \| ---: \| ---: \| ---: \| --- \|/m);
  const wall = formatTable(buildReport(guest("wall"), { quick: false }));
  assert.match(wall, /spread \(min-max\)/);
  assert.match(wall, /146-150 \/ 94-100/);
});

test("plot: a grouped bar per measured workload, load time as a second chart, rendered to SVG", async () => {
  const rep = buildReport(guest("icount"), { quick: false });
  const spec = plotSpec(rep) as unknown as {
    vconcat: { data: { values: { workload?: string; kind: string }[] } }[];
  };
  const bars = spec.vconcat[0].data.values;
  assert.deepEqual(
    bars.map((v) => `${v.workload}/${v.kind}`),
    ["xdp_empty/native", "xdp_empty/eBPF", "fnv1a/native", "fnv1a/eBPF"],
  );
  assert.deepEqual(spec.vconcat[1].data.values, [{ hook: "xdp_empty", cost: 54, progOnly: 52 }]);
  assert.equal(spec.vconcat[2].data.values.length, 2);
  const svg = await renderSvg(plotSpec(rep));
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /xdp_empty/);
  assert.match(svg, /load time against program size/);
  assert.match(svg, /dispatch cost: native − eBPF on an empty program/);
  const onlyBars = buildReport(
    { ...guest("icount"), workloads: guest("icount").workloads.slice(1), extras: undefined },
    { quick: true },
  );
  assert.ok(!("vconcat" in plotSpec(onlyBars)));
});

/** Heights of the bars vega drew, per mark group (`<path d="Mx,yhWvHh-WZ">` rects). */
function barHeights(svg: string): number[][] {
  return [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)].map((g) =>
    [...g[1].matchAll(/<path[^>]* d="M[^"h]*h[-\d.e]+v([-\d.e]+)h/g)].map((m) => Math.abs(Number(m[1]))),
  );
}

test("plot: every bar is drawn with a height, also on the log-scale chart (committed results)", async () => {
  const rep = JSON.parse(
    readFileSync(join(repoRoot, "docs", "bench", "results.json"), "utf8"),
  ) as BenchReport;
  const measured = rep.workloads.filter((w) => w.native != null && w.ebpf != null).length;
  const [costs, dispatch] = barHeights(await renderSvg(plotSpec(rep)));
  assert.equal(costs.length, 2 * measured, "a native and an eBPF bar per measured workload");
  assert.ok(
    costs.every((h) => h > 1),
    `bars without height: ${costs.filter((h) => !(h > 1)).length}`,
  );
  assert.ok(dispatch.length > 0 && dispatch.every((h) => h > 1));
  // The larger cost gets the taller bar.
  const w = rep.workloads.find((x) => x.name === "fnv1a")!;
  const i = rep.workloads.filter((x) => x.native != null && x.ebpf != null).indexOf(w);
  assert.equal(costs[2 * i] < costs[2 * i + 1], w.native! < w.ebpf!);
});

/** Ones' complement sum over 16-bit words. */
function sum16(b: Buffer): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += b.readUInt16BE(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

test("the input packet: Ethernet/IPv4/UDP to 4789 with a 1,500-byte payload and valid checksums", () => {
  const p = benchPacket();
  assert.equal(p.length, 1542);
  assert.equal(p.readUInt16BE(12), 0x0800);
  assert.equal(p[14], 0x45);
  assert.equal(p[23], 17);
  assert.equal(p.readUInt16BE(36), 4789);
  assert.equal(sum16(p.subarray(14, 34)), 0xffff);
  const pseudo = Buffer.alloc(12);
  p.copy(pseudo, 0, 26, 34);
  pseudo[9] = 17;
  pseudo.writeUInt16BE(1508, 10);
  assert.equal(sum16(Buffer.concat([pseudo, p.subarray(34)])), 0xffff);
  assert.deepEqual(benchPacket(), p);
});

test("workload registry: unique names, paths under bench/, quick selection, repetitions", () => {
  const names = WORKLOADS.map((w) => w.name);
  assert.equal(new Set(names).size, names.length);
  const rec = findWorkload("recursion_d32")!;
  assert.match(nativeImagePath(rec), /bench\/recursion\/target\/iu\/bench_recursion\.iu$/);
  assert.match(ebpfObjectPath(rec), /bench\/recursion\/target\/recursion\.bpf\.o$/);
  const bl = findWorkload("loop10k_bpf_loop")!;
  assert.match(nativeImagePath(bl), /bench\/loop10k\/target\/iu\/bench_loop10k\.iu$/);
  assert.match(ebpfObjectPath(bl), /bench\/loop10k\/target\/loop10k_bpf_loop\.bpf\.o$/);
  assert.deepEqual(
    selectWorkloads({ only: ["fnv1a"] }).map((w) => w.name),
    ["fnv1a"],
  );
  assert.throws(() => selectWorkloads({ only: ["nope"] }), /unknown workload/);
  assert.ok(selectWorkloads({ quick: true }).length > 0);
  for (const w of WORKLOADS) assert.ok(w.repeat.quick <= w.repeat.full);
  assert.ok(repsFor("wall", false) > repsFor("icount", true));
});

test("load-time generators: exact instruction counts ending in exit; chained functions", () => {
  const p = straightLineProgram(100);
  assert.equal(p.length, 800);
  assert.equal(p[0], 0xb7);
  assert.equal(p[99 * 8], 0x95);
  assert.equal(p.readInt32LE(98 * 8 + 4), 2);
  const src = generatedNativeSource(3);
  assert.equal((src.match(/#\[inline\(never\)\]/g) ?? []).length, 3);
  assert.match(src, /fn f2\(x: u64\) -> u64 \{/);
  assert.match(src, /iu::xdp!\(load_gen\);/);
  assert.doesNotMatch(src, /_-/);
  assert.equal(generatedNativeSource(3), src);
});

test("the pre-timing check names what differs: return value, output bytes, maps", () => {
  const a = { retval: 2, out: "00112233", maps: "M{00=01}" };
  assert.equal(describeDiff(a, { ...a }), "");
  assert.match(describeDiff(a, { ...a, retval: 1 }), /retval native 2 vs eBPF 1/);
  assert.match(describeDiff(a, { ...a, out: "0011ff33" }), /output packets differ from byte 2/);
  assert.match(describeDiff(a, { ...a, maps: "M{00=02}" }), /maps differ/);
});

test("dispatch cost: native − eBPF of the empty programs, xdp_empty first, in JSON and the table", () => {
  const rep = buildReport(guest("icount"), { quick: false });
  assert.deepEqual(rep.dispatch, {
    workload: "xdp_empty",
    native: 148,
    ebpf: 94,
    cost: 54,
    ratio: ratio(148, 94),
    progOnlyCost: 52,
    hooks: [{ workload: "xdp_empty", cost: 54, progOnlyCost: 52 }],
  });
  assert.equal(rep.workloads.find((w) => w.name === "fnv1a")!.diff, -14220);
  assert.equal(rep.workloads.find((w) => w.name === "hash_lookup")!.diff, null);
  const line = dispatchLine(rep);
  assert.match(
    line,
    /^dispatch cost \(dispatcher \+ watchdog fast path, native − eBPF on an empty program\): \+54 instructions per invocation at XDP \(xdp_empty: 148 vs 94, ratio 1\.57; program alone \+52\)$/,
  );
  assert.ok(formatTable(rep).includes(line));
  const none = buildReport(
    { ...guest("icount"), workloads: guest("icount").workloads.slice(1) },
    { quick: true },
  );
  assert.equal(none.dispatch, undefined);
  assert.equal(dispatchLine(none), "");
});

test("watchdog stop latency: duration minus budget, a table row per program and budget, skip reason", () => {
  assert.deepEqual(latencies([5_300_000, 5_100_000, 5_200_000], 5), {
    latencyNs: 200_000,
    minLatencyNs: 100_000,
    maxLatencyNs: 300_000,
  });
  assert.ok(Number.isNaN(latencies([], 5).latencyNs));
  const runaway: RunawayResult = {
    points: [
      {
        program: "runaway_spin",
        budgetMs: 5,
        durations: [5_300_000, 5_100_000, 5_200_000],
        ...latencies([5_300_000, 5_100_000, 5_200_000], 5),
        syscallNs: [1, 2, 3],
        retvals: [0, 0, 0],
        stopsCounted: true,
      },
      {
        program: "runaway_helper",
        budgetMs: 20,
        durations: [],
        ...latencies([], 20),
        syscallNs: [],
        retvals: [],
        stopsCounted: false,
        error: "EINTR",
      },
    ],
  };
  const g = guest("icount");
  const rep = buildReport({ ...g, extras: { ...g.extras, runaway } }, { quick: false });
  const t = formatTable(rep);
  assert.match(t, /runaway_spin\s+5\s+200\.0\s+100\.0\s+300\.0\s+4\.0\s+XDP_ABORTED\s+\+3/);
  assert.match(t, /runaway_helper\s+20\s+error: EINTR/);
  assert.match(markdownRunaway(rep), /^\| watchdog stop \| budget \(ms\) \|/);
  const skipped = buildReport(
    { ...g, extras: { runaway: { points: [], skipped: "this kernel has no watchdog" } } },
    { quick: false },
  );
  assert.match(formatTable(skipped), /watchdog stop latency: skipped: this kernel has no watchdog/);
  assert.equal(markdownRunaway(skipped), "");
});

/**
 * The SVG plot: bars per workload, native next to eBPF (log scale: costs span three orders
 * of magnitude, so bars rise from a power of ten below the cheapest, not from zero), the
 * dispatch cost per hook, and load time against program size when measured. A Vega-Lite spec
 * compiled to Vega and rendered to SVG in Node by vega's headless renderer (no browser,
 * no canvas: SVG output needs neither).
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { dispatchOf, type BenchReport } from "./report.js";

export interface LoadPoint {
  kind: "native" | "eBPF";
  size: number;
  ms: number;
}

/** Load-time points from the report's extras, if any. */
export function loadPoints(rep: BenchReport): LoadPoint[] {
  const lt = (rep.extras as { loadTime?: { points?: LoadPoint[] } } | undefined)?.loadTime;
  return lt?.points?.filter((p) => Number.isFinite(p.ms)) ?? [];
}

export function plotSpec(rep: BenchReport): TopLevelSpec {
  const values = rep.workloads.flatMap((w) =>
    w.native == null || w.ebpf == null
      ? []
      : [
          { workload: w.name, kind: "native", cost: w.native, ratio: w.ratio },
          { workload: w.name, kind: "eBPF", cost: w.ebpf, ratio: w.ratio },
        ],
  );
  const unit = rep.workloads[0]?.unit ?? "";
  // A bar on a log scale needs a baseline above zero: the power of ten below the cheapest.
  const positive = values.map((v) => v.cost).filter((c) => c > 0);
  const floor = positive.length ? 10 ** Math.floor(Math.log10(Math.min(...positive))) : 1;
  const ceiling = positive.length ? 10 ** Math.ceil(Math.log10(Math.max(...positive))) : 10;
  const title = `iu bench (${rep.mode}${rep.quick ? ", quick" : ""}): per-invocation cost, ${rep.kernel}, ${rep.date.slice(0, 10)}`;
  const color = {
    field: "kind",
    type: "nominal" as const,
    title: null,
    scale: { domain: ["native", "eBPF"], range: ["#d95f02", "#1b9e77"] },
  };
  const bars = {
    title,
    width: { step: 14 },
    height: 260,
    data: { values },
    mark: { type: "bar" as const },
    encoding: {
      x: { field: "workload", type: "nominal" as const, sort: null, title: null, axis: { labelAngle: -35 } },
      xOffset: { field: "kind", sort: ["native", "eBPF"] },
      y: {
        field: "cost",
        type: "quantitative" as const,
        scale: { type: "log" as const, domain: [floor, ceiling] },
        title: `${unit} per invocation (log scale)`,
      },
      y2: { datum: floor },
      color,
      tooltip: [{ field: "workload" }, { field: "kind" }, { field: "cost" }, { field: "ratio" }],
    },
  };
  const charts: object[] = [bars];
  const d = rep.dispatch ?? dispatchOf(rep.workloads);
  if (d)
    charts.push({
      title: `dispatch cost: native − eBPF on an empty program (${unit} per invocation)`,
      width: { step: 28 },
      height: 140,
      data: { values: d.hooks.map((h) => ({ hook: h.workload, cost: h.cost, progOnly: h.progOnlyCost })) },
      layer: [
        { mark: { type: "bar" as const, color: "#d95f02" } },
        {
          mark: { type: "text" as const, dy: -6 },
          encoding: { text: { field: "cost", type: "quantitative" } },
        },
      ],
      encoding: {
        x: { field: "hook", type: "nominal" as const, sort: null, title: null, axis: { labelAngle: -35 } },
        y: { field: "cost", type: "quantitative" as const, title: `${unit} (native − eBPF)` },
        tooltip: [{ field: "hook" }, { field: "cost" }, { field: "progOnly" }],
      },
    });
  const points = loadPoints(rep);
  if (points.length)
    charts.push({
      title: "load time against program size",
      width: 420,
      height: 220,
      data: { values: points },
      mark: { type: "line" as const, point: true },
      encoding: {
        x: {
          field: "size",
          type: "quantitative" as const,
          scale: { type: "log" as const },
          title: "program size (bytes of code)",
        },
        y: {
          field: "ms",
          type: "quantitative" as const,
          scale: { type: "log" as const },
          title: "load time (ms, guest)",
        },
        color,
      },
    });
  if (charts.length === 1) return { $schema: "https://vega.github.io/schema/vega-lite/v5.json", ...bars };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    vconcat: charts,
  } as TopLevelSpec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

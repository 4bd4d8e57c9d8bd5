/** `iu bench`: native programs against their eBPF twins, in one VM boot (docs/BENCH.md). */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";

interface BenchCliOptions {
  quick?: boolean;
  json?: string;
  plot?: string;
  wall?: boolean;
  only?: string[];
  extras: boolean;
  timeout?: string;
  buildOnly?: boolean;
  from?: string;
  markdown?: boolean;
  update?: string[];
}

export function registerBenchCommands(program: Command): void {
  program
    .command("bench")
    .description("benchmark native programs against their JIT-compiled eBPF twins in one VM boot")
    .option("--quick", "fewer repetitions and sizes (under 5 minutes)")
    .option("--json <file>", "write the report as JSON")
    .option("--plot <file.svg>", "write an SVG plot")
    .option("--wall", "plain TCG wall time (median and spread) instead of instruction counting")
    .option("--only <workload...>", "only these workloads (also load_time, runaway)")
    .option("--no-extras", "skip the load-time and watchdog stop-latency stages")
    .option("--timeout <s>", "VM timeout in seconds")
    .option("--build-only", "only build the native images and eBPF twins (for the in-VM smoke test)")
    .option("--from <file.json>", "no VM: report the results a --json run wrote")
    .option("--markdown", "print the tables as the Markdown blocks the docs hold")
    .option("--update <file.md...>", "rewrite the bench blocks (<!-- bench:begin NAME -->) of these files")
    .action(async (o: BenchCliOptions) => {
      // loaded here, not at start-up: the plot pulls in vega, and the guest's CLI starts fast
      const { formatTable, prepareAll, runBench } = await import("../bench/host.js");
      const { readReport, renderAll, updateFiles } = await import("../bench/markdown.js");
      const { plotSpec, renderSvg } = await import("../bench/plot.js");
      if (o.buildOnly) {
        for (const w of prepareAll({ only: o.only })) process.stdout.write(`built ${w.name}\n`);
        return;
      }
      const rep = o.from
        ? readReport(o.from)
        : await runBench({
            quick: o.quick,
            wall: o.wall,
            json: o.json,
            plot: o.plot,
            only: o.only,
            noExtras: !o.extras,
            timeoutSec: o.timeout ? Number(o.timeout) : undefined,
          });
      if (o.from && o.plot) writeFileSync(o.plot, await renderSvg(plotSpec(rep)));
      process.stdout.write(o.markdown ? renderAll(rep) : formatTable(rep));
      for (const u of updateFiles(o.update ?? [], rep))
        process.stderr.write(`iu bench: ${u.file}: updated ${u.blocks.join(", ")}\n`);
      if (rep.workloads.some((w) => w.error && !w.missing)) process.exitCode = 1;
    });
}

/** `iu load`: a signed image's maps and programs into the kernel, attached and pinned on request. */
import type { Command } from "commander";
import { IuObject } from "../loader/index.js";
import { describeMap } from "./map.js";
import { err, int, json, jsonOpt, out } from "./output.js";
import { foreground } from "./trace.js";

export function registerLoadCommands(program: Command): void {
  program
    .command("load")
    .description("create the maps of a signed image, load its programs, optionally attach and pin them")
    .argument("<file>", "signed native image (*.iu)")
    .option("--pin <dir>", "pin maps/, progs/, links/ under this bpffs directory and return")
    .option("--attach", "attach each program at its declared target")
    .option("--program <name...>", "load only these programs")
    .option("--log-level <n>", "kernel load log level (1: always print the load log)", int, 0)
    .option("-q, --quiet", "print nothing but errors and the trace output (or --json)")
    .addOption(jsonOpt())
    .action(
      async (
        file: string,
        o: {
          pin?: string;
          attach?: boolean;
          program?: string[];
          logLevel: number;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const obj = IuObject.open(file);
        for (const p of obj.spec.problems) err(`iu: warning: ${file}: ${p}`);
        obj.load({ programs: o.program, logLevel: o.logLevel });
        try {
          const attached = o.attach ? obj.attach() : [];
          const pinned = o.pin ? obj.pin(o.pin) : [];
          const summary = {
            file,
            maps: [...obj.maps.values()].map(describeMap),
            programs: [...obj.programs.entries()].map(([n, p]) => ({
              name: n,
              id: p.id,
              type: p.typeName,
              tag: p.info.tag,
              ...(p.log ? { log: p.log } : {}),
            })),
            attached,
            pinned,
          };
          if (o.json) json(summary);
          else if (!o.quiet) {
            for (const m of summary.maps) out(`map ${m.id} ${m.name} ${m.type}`);
            for (const p of summary.programs)
              out(`prog ${p.id} ${p.name} ${p.type}${p.log ? "\n" + p.log : ""}`);
            for (const a of attached)
              out(
                a.target ? `attached ${a.program} → ${a.target}` : `not attached ${a.program}: ${a.skipped}`,
              );
            for (const p of pinned) out(`pinned ${p}`);
          }
        } catch (e) {
          obj.close();
          throw e;
        }
        if (o.pin) {
          obj.close(); // pins keep everything alive
          return;
        }
        await foreground(!!o.json, !!o.quiet, () => obj.close());
      },
    );
}

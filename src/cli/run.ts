/** `iu run`: one BPF_PROG_TEST_RUN of a program from an image, an id or a pin. */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { IuError } from "../errors.js";
import { BpfProgram, IuObject } from "../loader/index.js";
import { int, json, jsonOpt, out } from "./output.js";

/** An image file (starts with the ELF magic) rather than a pinned program or id. */
function isImageFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    return readFileSync(path)
      .subarray(0, 4)
      .equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  }
}

export function registerRunCommands(program: Command): void {
  program
    .command("run")
    .description("test-run a program (BPF_PROG_TEST_RUN): prints return value, output data and duration")
    .argument("<file>", "signed image (loads its maps and the program), or a program id / pinned path")
    .option("--program <name>", "which program of the image (default: the only one)")
    .option("--data <file>", "input packet (XDP, tc)")
    .option("--ctx <file>", "input context (raw tracepoint: the u64 args)")
    .option("--repeat <n>", "runs (duration is the mean per run)", int, 1)
    .option("--out <file>", "write the output data here")
    .addOption(jsonOpt())
    .action(
      (
        file: string,
        o: { program?: string; data?: string; ctx?: string; repeat: number; out?: string; json?: boolean },
      ) => {
        const data = o.data ? readFileSync(o.data) : undefined;
        const ctx = o.ctx ? readFileSync(o.ctx) : undefined;
        let obj: IuObject | undefined;
        let prog: BpfProgram;
        if (isImageFile(file)) {
          obj = IuObject.open(file);
          const names = obj.programNames();
          const name = o.program ?? (names.length === 1 ? names[0] : undefined);
          if (!name)
            throw new IuError(
              `${file} has ${names.length} programs (${names.join(", ")}): pick one with --program`,
            );
          obj.load({ programs: [name] });
          prog = obj.program(name);
        } else {
          prog = BpfProgram.open(file);
        }
        try {
          const r = prog.testRun({ data, ctx, repeat: o.repeat });
          if (o.out) writeFileSync(o.out, r.dataOut);
          const res = {
            program: prog.name,
            id: prog.id,
            retval: r.retval,
            durationNs: r.duration,
            repeat: o.repeat,
            dataOut: r.dataOut.toString("hex"),
            dataOutLength: r.dataOut.length,
            ...(r.ctxOut.length ? { ctxOut: r.ctxOut.toString("hex") } : {}),
            ...(data ? { dataChanged: !data.equals(r.dataOut) } : {}),
          };
          if (o.json) return json(res);
          out(`retval: ${r.retval}`);
          out(`duration: ${r.duration} ns/run (mean over ${o.repeat}; under -icount: guest instructions)`);
          if (data) {
            out(`data out (${r.dataOut.length} bytes${res.dataChanged ? ", changed" : ", unchanged"}):`);
            for (let i = 0; i < r.dataOut.length; i += 16)
              out(
                `  ${r.dataOut
                  .subarray(i, i + 16)
                  .toString("hex")
                  .replace(/(..)/g, "$1 ")
                  .trim()}`,
              );
          }
        } finally {
          if (obj) obj.close();
          else prog.close();
        }
      },
    );
}

/** Code generation commands: iu gen tracepoint, iu gen btf. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { genUapi, UAPI_RS, UAPI_TS } from "../gen/uapi.js";
import { IuError } from "../errors.js";
import { repoRoot } from "../env/paths.js";

function emit(code: string, out?: string): void {
  if (out) writeFileSync(out, code);
  else process.stdout.write(code);
}

export function registerGenCommands(program: Command): void {
  const gen = program
    .command("gen")
    .description("generate Rust accessors for kernel data (tracepoint records, BTF structs)");
  gen
    .command("tracepoint")
    .description("accessors for a tracepoint's record, from tracefs events/CAT/NAME/format")
    .argument("<event>", "CATEGORY/NAME, e.g. sched/sched_process_exec")
    .option("--format <file>", "read this format file instead of tracefs")
    .option("--tracefs <dir>", "tracefs root (default /sys/kernel/tracing)")
    .option("--common", "also emit the common_* header fields")
    .option("-o, --out <file>", "write to FILE instead of stdout")
    .action(
      async (event: string, o: { format?: string; tracefs?: string; common?: boolean; out?: string }) => {
        const { genTracepoint } = await import("../gen/tracepoint.js");
        emit(genTracepoint(event, { formatFile: o.format, tracefs: o.tracefs, common: o.common }), o.out);
      },
    );
  gen
    .command("btf")
    .description("probe-read accessors for kernel structs, from the kernel's BTF")
    .argument("<types...>", "struct or union names, e.g. task_struct")
    .option("--btf <file>", "BTF source (default /sys/kernel/btf/vmlinux, else the built kernel's vmlinux)")
    .option("--fields <names>", "only these fields (comma-separated)")
    .option("-o, --out <file>", "write to FILE instead of stdout")
    .action(async (types: string[], o: { btf?: string; fields?: string; out?: string }) => {
      const { genBtf } = await import("../gen/btf.js");
      emit(genBtf(types, { btf: o.btf, fields: o.fields?.split(",") }), o.out);
    });
  gen
    .command("fentry")
    .description("the typed arguments of a kernel function for fentry/fexit programs, from the kernel's BTF")
    .argument("<func>", "kernel function, e.g. do_unlinkat")
    .argument("[types...]", "structs its pointer arguments point to, given typed accessors too")
    .option("--btf <file>", "BTF source (default /sys/kernel/btf/vmlinux, else the built kernel's vmlinux)")
    .option("-o, --out <file>", "write to FILE instead of stdout")
    .action(async (func: string, types: string[], o: { btf?: string; out?: string }) => {
      const { genFuncArgs } = await import("../gen/btf.js");
      emit(genFuncArgs(func, types, { btf: o.btf }), o.out);
    });
  gen
    .command("uapi")
    .description(`the ABI tables ${UAPI_TS} and ${UAPI_RS}, from the project kernel's BTF`)
    .option("--btf <file>", "BTF source (default /sys/kernel/btf/vmlinux, else the built kernel's vmlinux)")
    .option("--check", "write nothing; fail if the committed files differ from the generated ones")
    .action((o: { btf?: string; check?: boolean }) => {
      const { ts, rs } = genUapi({ btf: o.btf });
      const stale = [
        [UAPI_TS, ts],
        [UAPI_RS, rs],
      ].filter(([file, text]) => {
        const path = join(repoRoot, file);
        if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
        if (!o.check) writeFileSync(path, text);
        return true;
      });
      if (o.check && stale.length)
        throw new IuError(
          `${stale.map(([f]) => f).join(", ")} differ from the kernel's BTF: run iu gen uapi`,
        );
      console.log(stale.length ? `iu: wrote ${stale.map(([f]) => f).join(", ")}` : "iu: up to date");
    });
}

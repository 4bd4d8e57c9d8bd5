/**
 * The `iu` command line. Each concern registers its own sub-commands from its own file;
 * the commands are thin: the work is done by the library modules they call.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { repoRoot } from "../env/paths.js";
import { errorText } from "../errors.js";
import { registerBenchCommands } from "./bench.js";
import { registerEnvCommands } from "./env.js";
import { registerGenCommands } from "./gen.js";
import { registerAttachCommands } from "./attach.js";
import { registerLinkCommands } from "./link.js";
import { registerLoadCommands } from "./load.js";
import { registerMapCommands } from "./map.js";
import { registerProgCommands } from "./prog.js";
import { registerRunCommands } from "./run.js";
import { registerTraceCommands } from "./trace.js";
import { registerTestCommands } from "./test.js";
import { registerToolchainCommands } from "./toolchain.js";

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command("iu")
    .description("Inner Unikernels: safe-Rust kernel extensions at eBPF hook points")
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError()
    .enablePositionalOptions();
  registerEnvCommands(program);
  // the loader's commands, one file per group, in the order `iu --help` lists them
  registerLoadCommands(program);
  registerAttachCommands(program);
  registerProgCommands(program);
  registerLinkCommands(program);
  registerMapCommands(program);
  registerTraceCommands(program);
  registerRunCommands(program);
  registerToolchainCommands(program);
  registerBenchCommands(program);
  registerGenCommands(program);
  registerTestCommands(program);
  await program.parseAsync(argv);
}

/** The `iu` command as bin/iu.js runs it: an error is printed and ends the process with its exit code. */
export async function run(argv: string[]): Promise<void> {
  try {
    await main(argv);
  } catch (err) {
    process.stderr.write(`iu: ${errorText(err, { stacks: true })}\n`);
    const code = (err as { exitCode?: unknown } | undefined)?.exitCode;
    process.exit(typeof code === "number" ? code : 1);
  }
}

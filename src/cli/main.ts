/**
 * The `iu` command line. Each concern registers its own sub-commands from its own file;
 * the commands are thin: the work is done by the library modules they call.
 */
import { Command } from "commander";
import { registerBenchCommands } from "./bench.js";
import { registerEnvCommands } from "./env.js";
import { registerGenCommands } from "./gen.js";
import { registerLoaderCommands } from "./loader.js";
import { registerTestCommands } from "./test.js";
import { registerToolchainCommands } from "./toolchain.js";

export async function main(argv: string[]): Promise<void> {
  const program = new Command("iu")
    .description("Inner Unikernels: safe-Rust kernel extensions at eBPF hook points")
    .showHelpAfterError()
    .enablePositionalOptions();
  registerEnvCommands(program);
  registerLoaderCommands(program);
  registerToolchainCommands(program);
  registerBenchCommands(program);
  registerGenCommands(program);
  registerTestCommands(program);
  await program.parseAsync(argv);
}

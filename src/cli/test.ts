/** `iu test`: a program's #[test] functions on the host, against the SDK's user-space backend. */
import { Command } from "commander";
import { IuError } from "../errors.js";

export function registerTestCommands(program: Command): void {
  program
    .command("test")
    .description("run a program's #[test] functions on the host (in-memory maps, scripted helpers; no VM)")
    .argument("[dirs...]", "program crates (default: .)")
    .option("--samples", "test every program under samples/")
    .option("-f, --filter <text...>", "only tests whose name contains one of these")
    .option("-v, --verbose", "print the commands run and the test binary's whole output")
    .action(async (dirs: string[], o: { samples?: boolean; filter?: string[]; verbose?: boolean }) => {
      const { sampleDirs } = await import("../toolchain/samples.js");
      const { formatUserTest, userTest } = await import("../toolchain/usertest.js");
      const list = o.samples ? sampleDirs() : dirs.length ? dirs : ["."];
      const log = o.verbose ? (l: string) => process.stderr.write(`iu: ${l}\n`) : undefined;
      let passed = 0;
      let failed = 0;
      for (const d of list) {
        const r = userTest(d, { filter: o.filter, log });
        if (o.verbose) process.stdout.write(r.output);
        process.stdout.write(formatUserTest(r));
        passed += r.passed;
        failed += r.failed;
      }
      if (list.length > 1) process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
      if (failed) throw new IuError(`${failed} test${failed === 1 ? "" : "s"} failed`);
    });
}

/**
 * Commands of the development environment: setup, kernel build, VM, checks and the test run.
 * Their modules load when a command runs, so that the loader's commands start fast in the VM.
 */
import { Command, Option } from "commander";

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${v}"`);
  return n;
};

function vmOptions(cmd: Command): Command {
  return cmd
    .option("--smp <n>", "virtual CPUs", int, 2)
    .option("--mem <MiB>", "guest memory in MiB", int, 2048)
    .option("--timeout <s>", "kill the VM after this many seconds", int)
    .option("--icount", "deterministic time: one guest ns per guest instruction (single-threaded TCG)")
    .option("--kernel <path>", "boot this bzImage instead of the project's kernel")
    .option("--flavour <name>", "kernel flavour (config fragment in kernel/config)", "default")
    .addOption(new Option("--accel <accel>", "QEMU accelerator").choices(["tcg", "kvm"]).default("tcg"))
    .option("-v, --verbose", "stream the guest kernel console too");
}

interface VmCliOptions {
  smp: number;
  mem: number;
  timeout?: number;
  icount?: boolean;
  kernel?: string;
  flavour: string;
  accel: "tcg" | "kvm";
  verbose?: boolean;
}

export function registerEnvCommands(program: Command): void {
  program
    .command("setup")
    .description("install the Debian packages the project needs (idempotent, fast when done)")
    .action(async () => {
      const { installPackages } = await import("../env/setup.js");
      const installed = installPackages((m) => process.stderr.write(`iu: ${m}\n`));
      process.stderr.write(
        installed.length ? `iu: installed ${installed.length} packages\n` : "iu: set-up complete\n",
      );
    });

  program
    .command("up")
    .description("the main job: set up, build the kernel, boot the VM, build + sign + load a sample, show it")
    .action(async () => {
      const { runMainJob } = await import("../testing/demo.js");
      process.exitCode = await runMainJob();
    });

  const kernel = program.command("kernel").description("the project's Linux 6.12 kernel");
  kernel
    .command("build")
    .description("build the patched kernel (cached by source version, kernel changes and config)")
    .option(
      "--flavour <name>",
      "config flavour: default, or a fragment name in kernel/config (e.g. debug)",
      "default",
    )
    .option("--force", "rebuild even if the cache has this image")
    .option("-v, --verbose", "show make's output")
    .action(async (o: { flavour: string; force?: boolean; verbose?: boolean }) => {
      const { buildKernel } = await import("../env/kernel.js");
      const img = await buildKernel(o);
      process.stdout.write(`${img.bzImage}\n`);
      if (img.cached) process.stderr.write(`iu: kernel ${img.release} (cached, key ${img.key})\n`);
    });

  const vm = program.command("vm").description("the development VM (QEMU, host / as read-only root)");
  vmOptions(vm.command("run"))
    .description("boot the VM, run CMD as root in the current directory, exit with its status")
    .argument("<cmd...>", "command and arguments (put them after --)")
    .action(async (cmd: string[], o: VmCliOptions) => {
      const { runVm, reportVmResult } = await import("../env/vm.js");
      const r = await runVm(cmd, {
        smp: o.smp,
        memMiB: o.mem,
        timeoutSec: o.timeout,
        icount: o.icount,
        kernel: o.kernel,
        flavour: o.flavour,
        accel: o.accel,
        verbose: o.verbose,
      });
      process.exitCode = reportVmResult(r, o.timeout);
    });
  vmOptions(vm.command("shell"))
    .description("an interactive root shell in the VM")
    .action(async (o: VmCliOptions) => {
      const { runVm, reportVmResult } = await import("../env/vm.js");
      const r = await runVm([], { ...o, memMiB: o.mem, timeoutSec: o.timeout, interactive: true });
      process.exitCode = reportVmResult(r, o.timeout);
    });

  program
    .command("check")
    .description(
      "type check, lint and format check TypeScript, rustfmt/clippy the SDK, checkpatch the kernel",
    )
    .action(async () => {
      const { runChecks } = await import("../testing/check.js");
      process.exitCode = await runChecks();
    });

  program
    .command("selftests")
    .description(
      "run the kernel's BPF test_verifier in the VM and compare with the unpatched kernel's baseline",
    )
    .option("--baseline", "record the baseline: run on the unpatched (vanilla) kernel")
    .action(async (o: { baseline?: boolean }) => {
      const { runSelftests, readBaseline, writeBaseline, compareWithBaseline } =
        await import("../testing/selftests.js");
      const r = await runSelftests(o.baseline ? "vanilla" : "default");
      process.stdout.write(`test_verifier: ${r.summary}\n`);
      if (o.baseline) {
        process.stdout.write(`baseline written to ${writeBaseline(r)}\n`);
        return;
      }
      const d = compareWithBaseline(r, readBaseline());
      for (const f of d.newFailures) process.stdout.write(`new failure: ${f}\n`);
      for (const f of d.fixed) process.stdout.write(`passes now, fails on the unpatched kernel: ${f}\n`);
      process.stdout.write(
        d.newFailures.length || d.fixed.length
          ? "differs from the baseline\n"
          : "same as the unpatched kernel\n",
      );
      process.exitCode = d.newFailures.length || d.fixed.length ? 1 : 0;
    });

  program
    .command("test-all")
    .description("run every test: host tests, then the in-VM tests in one boot")
    .option("--host-only", "skip the tests that need the VM")
    .option("--vm-only", "only the tests that run inside the VM")
    .option("--filter <pattern>", "only test files whose path contains this")
    .option("--flavour <name>", "kernel flavour for the in-VM tests (debug: KASAN, lockdep, kmemleak)")
    .option("--prepare-only", "only build the tests' inputs (to run single test files by hand after)")
    .action(
      async (o: {
        hostOnly?: boolean;
        vmOnly?: boolean;
        filter?: string;
        flavour?: string;
        prepareOnly?: boolean;
      }) => {
        const { runAllTests } = await import("../testing/harness.js");
        process.exitCode = await runAllTests(o);
      },
    );
}

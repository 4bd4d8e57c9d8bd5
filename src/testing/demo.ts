/**
 * The main job behind the README's first command: set up, build the kernel, build and sign
 * samples/hello, then in the VM load it, attach it to its tracepoint, make a few getpid
 * calls and show what the program printed, next to bpftool's view of it.
 */
import { relative, join } from "node:path";
import { installPackages } from "../env/setup.js";
import { buildKernel } from "../env/kernel.js";
import { runVm, reportVmResult } from "../env/vm.js";
import { repoRoot } from "../env/paths.js";
import { build } from "../toolchain/build.js";

const say = (m: string) => process.stderr.write(`\n== ${m}\n`);

export async function runMainJob(): Promise<number> {
  say("set-up: Debian packages");
  installPackages((m) => process.stderr.write(`iu: ${m}\n`));
  say("kernel: Linux 6.12 with the project's changes");
  const kernel = await buildKernel();
  process.stderr.write(`iu: ${kernel.release}${kernel.cached ? " (cached)" : ""}: ${kernel.bzImage}\n`);
  say("toolchain: build, check and sign samples/hello");
  const hello = build(join(repoRoot, "samples", "hello"), { log: (l) => process.stderr.write(`iu: ${l}\n`) });
  const image = relative(repoRoot, hello.out);
  process.stderr.write(`iu: ${image}: ${hello.size} bytes, signed (${hello.seconds.toFixed(1)} s)\n`);
  say("VM: load the signed image, attach it, trigger it, read its output");
  const script = [
    "set -e",
    'echo "kernel: $(uname -r)"',
    `npx iu load ${image} --attach --pin /sys/fs/bpf/hello`,
    "bpftool prog show name hello",
    'python3 -c "import os; [os.getpid() for _ in range(3)]"',
    'echo "trace output:"',
    "grep 'hello from pid' /sys/kernel/tracing/trace",
  ].join("\n");
  const r = await runVm(["sh", "-c", script], { cwd: repoRoot });
  return reportVmResult(r);
}

/**
 * The main job behind the README's first command: set up, build the kernel, boot the VM
 * and show it running the project's work.
 */
import { installPackages } from "../env/setup.js";
import { buildKernel } from "../env/kernel.js";
import { runVm, reportVmResult } from "../env/vm.js";
import { repoRoot } from "../env/paths.js";

const say = (m: string) => process.stderr.write(`\n== ${m}\n`);

export async function runMainJob(): Promise<number> {
  say("set-up: Debian packages");
  installPackages((m) => process.stderr.write(`iu: ${m}\n`));
  say("kernel: Linux 6.12 with the project's changes");
  const kernel = await buildKernel();
  process.stderr.write(`iu: ${kernel.release}${kernel.cached ? " (cached)" : ""}\n`);
  say("VM: boot the kernel and look around");
  const script = ["uname -r", "nproc", "bpftool prog list | head -20", "echo 'vm: ok'"].join("; ");
  const r = await runVm(["sh", "-c", script], { cwd: repoRoot });
  return reportVmResult(r);
}

/**
 * The development VM: the project's kernel under QEMU with the host's / as a read-only 9p
 * root, the current directory writable at the same path, and a private share that carries
 * the command in and its exit status out. The command's output streams over a virtio
 * console; the kernel's console goes to a log that is scanned for oopses and panics.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { buildKernel } from "./kernel.js";
import { requirePackages } from "./setup.js";
import { repoRoot } from "./paths.js";
import { IuError } from "../errors.js";

export interface VmOptions {
  smp?: number;
  memMiB?: number;
  timeoutSec?: number;
  /** Deterministic time: one guest nanosecond per guest instruction (single-threaded TCG). */
  icount?: boolean;
  kernel?: string;
  flavour?: string;
  cwd?: string;
  /** Interactive shell on the terminal instead of a command. */
  interactive?: boolean;
  /** Stream the kernel console to stderr as well. */
  verbose?: boolean;
  /** Where the command's output goes: "pipe" collects it, "tee" streams and collects it. */
  output?: "inherit" | "pipe" | "tee";
  /** Extra environment variables for the command in the guest. */
  env?: Record<string, string>;
  accel?: "tcg" | "kvm";
}

export interface VmResult {
  /** The command's exit status, or 124 on timeout, 125 when the kernel reported an error. */
  code: number;
  commandStatus?: number;
  output: string;
  console: string;
  kernelErrors: string[];
  timedOut: boolean;
  seconds: number;
}

/** Console lines that mean the kernel itself went wrong, whatever the command returned. */
const kernelErrorPattern =
  /Kernel panic - not syncing|kernel BUG at|BUG: |Oops: |general protection fault|WARNING: CPU: \d+ PID|UBSAN: |KASAN: |unreferenced object 0x|watchdog: BUG: soft lockup|rcu: INFO: .* stall|INFO: task .* blocked for more than|double fault|stack guard page was hit|possible recursive locking|possible circular locking|inconsistent lock state|BUG: sleeping function/;

export function findKernelErrors(consoleLog: string): string[] {
  const lines = consoleLog.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (kernelErrorPattern.test(lines[i])) {
      out.push(lines.slice(i, Math.min(lines.length, i + 25)).join("\n"));
      i += 24;
    }
  }
  return out;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function runVm(cmd: string[], opts: VmOptions = {}): Promise<VmResult> {
  requirePackages("vm");
  if (!opts.interactive && cmd.length === 0)
    throw new IuError("iu vm run: no command given (iu vm run -- CMD...)");
  const kernel = opts.kernel ?? (await buildKernel({ flavour: opts.flavour })).bzImage;
  if (!existsSync(kernel)) throw new IuError(`kernel image ${kernel} does not exist.`);
  const cwd = opts.cwd ?? process.cwd();
  const smp = opts.smp ?? 2;
  const mem = opts.memMiB ?? 2048;
  const share = mkdtempSync(join(tmpdir(), "iu-vm-"));
  chmodSync(share, 0o755);
  const envLines = [`IU_CWD=${shellQuote(cwd)}`, `IU_INTERACTIVE=${opts.interactive ? 1 : 0}`];
  // The guest's console is a terminal; when the host's output is not, say so to the guest's programs.
  const plain = opts.output === "pipe" || opts.output === "tee" || !process.stdout.isTTY;
  const guestEnv = {
    ...(plain ? { NO_COLOR: "1", NODE_DISABLE_COLORS: "1", TERM: "dumb" } : {}),
    ...opts.env,
  };
  const userEnv = Object.entries(guestEnv).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  writeFileSync(join(share, "env"), envLines.join("\n") + "\n");
  writeFileSync(join(share, "cmd"), [...userEnv, `exec ${cmd.map(shellQuote).join(" ")}`, ""].join("\n"));
  const consolePath = join(share, "console.log");
  const init = join(repoRoot, "src/env/guest/init.sh");
  const accel =
    opts.accel === "kvm" ? ["-accel", "kvm"] : ["-accel", `tcg,thread=${opts.icount ? "single" : "multi"}`];
  const append = [
    "console=ttyS0",
    "root=/dev/root",
    "rootfstype=9p",
    // The root is the host's /, read-only: cached without checks against the host ("loose"),
    // so node and its libraries are read once. The cwd share is cached with checks (init.sh).
    "rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose",
    "ro",
    `init=${init}`,
    "panic=-1",
    "loglevel=5",
    "mitigations=off",
    // Under TCG (and more so with KASAN) the in-kernel boot, ACPI table parsing above all,
    // can hold a CPU longer than RCU's stall timeout: an artifact of emulation, not a hang.
    // This silences stall reports only until init starts; afterwards they count as errors.
    "rcupdate.rcu_cpu_stall_suppress_at_boot=1",
  ].join(" ");
  // multidevs=remap: the host's / spans several file systems whose inode numbers collide;
  // the guest's caches key inodes by them, and would alias /proc with another directory.
  const fsdev = (id: string, path: string, tag: string, ro: boolean) => [
    "-fsdev",
    `local,id=${id},path=${path},security_model=none,multidevs=remap${ro ? ",readonly=on" : ""}`,
    "-device",
    `virtio-9p-pci,fsdev=${id},mount_tag=${tag}`,
  ];
  const args = [
    "-nodefaults",
    "-no-user-config",
    "-nographic",
    "-no-reboot",
    ...accel,
    ...(opts.icount ? ["-icount", "shift=0"] : []),
    "-cpu",
    "max",
    "-smp",
    String(smp),
    "-m",
    String(mem),
    "-kernel",
    kernel,
    "-append",
    append,
    "-serial",
    `file:${consolePath}`,
    "-chardev",
    "stdio,id=con,signal=off",
    "-device",
    "virtio-serial-pci",
    "-device",
    "virtconsole,chardev=con",
    "-device",
    "virtio-rng-pci",
    ...fsdev("root", "/", "/dev/root", true),
    ...fsdev("share", share, "iushare", false),
    ...(cwd !== "/" ? fsdev("cwd", cwd, "iucwd", false) : []),
  ];
  const started = Date.now();
  const child = spawn("qemu-system-x86_64", args, {
    stdio: [
      opts.interactive ? "inherit" : "ignore",
      opts.output === "pipe" || opts.output === "tee" ? "pipe" : "inherit",
      "pipe",
    ],
  });
  let output = "";
  let qemuStderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString("utf8");
    if (opts.output === "tee") process.stdout.write(d);
  });
  child.stderr?.on("data", (d: Buffer) => (qemuStderr += d.toString("utf8")));
  const kill = () => child.kill("SIGKILL");
  const onSignal = () => kill();
  process.on("exit", kill);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let timedOut = false;
  const timer = opts.timeoutSec
    ? setTimeout(() => {
        timedOut = true;
        kill();
      }, opts.timeoutSec * 1000)
    : undefined;
  let tail: NodeJS.Timeout | undefined;
  if (opts.verbose) {
    let shown = 0;
    tail = setInterval(() => {
      if (!existsSync(consolePath)) return;
      const all = readFileSync(consolePath);
      if (all.length > shown) process.stderr.write(all.subarray(shown));
      shown = all.length;
    }, 200);
  }
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, error }));
    child.on("close", (code) => resolve({ code }));
  });
  if (timer) clearTimeout(timer);
  if (tail) clearInterval(tail);
  process.off("exit", kill);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  const seconds = (Date.now() - started) / 1000;
  const consoleLog = existsSync(consolePath) ? readFileSync(consolePath, "utf8") : "";
  const statusPath = join(share, "status");
  const commandStatus = existsSync(statusPath) ? Number(readFileSync(statusPath, "utf8").trim()) : undefined;
  rmSync(share, { recursive: true, force: true });
  if (exit.error) {
    throw new IuError(
      `could not start QEMU (qemu-system-x86_64): ${exit.error.message}. Run \`npx iu setup\`.`,
    );
  }
  const kernelErrors = findKernelErrors(consoleLog);
  let code: number;
  if (timedOut) code = 124;
  else if (kernelErrors.length) code = 125;
  else if (commandStatus === undefined) {
    if (exit.code !== 0 || qemuStderr.trim()) {
      throw new IuError(
        `QEMU failed (exit ${exit.code}): ${qemuStderr.trim().slice(-2000)}\nlast kernel console lines:\n` +
          consoleLog.split("\n").slice(-20).join("\n"),
      );
    }
    code = 126;
  } else code = commandStatus;
  return { code, commandStatus, output, console: consoleLog, kernelErrors, timedOut, seconds };
}

/** Prints why a VM run failed (timeout, kernel error, no status) and returns the exit code. */
export function reportVmResult(r: VmResult, timeoutSec?: number): number {
  if (r.timedOut) {
    process.stderr.write(`iu vm: timed out after ${timeoutSec} s; QEMU was killed.\n`);
  } else if (r.kernelErrors.length) {
    process.stderr.write(
      `iu vm: the guest kernel reported an error (command status ${r.commandStatus ?? "none"}):\n` +
        r.kernelErrors.join("\n---\n") +
        "\n",
    );
  } else if (r.commandStatus === undefined) {
    process.stderr.write(
      "iu vm: the VM stopped without reporting the command's status. Last console lines:\n" +
        r.console.split("\n").slice(-30).join("\n") +
        "\n",
    );
  }
  return r.code;
}
